// The backend's diagnosis of the ecosystem behind the saved settings, one row per scrape job,
// with what to do about each problem. "Save & test" answers whether the datasource works;
// this section says what the MCP servers behind it are missing.
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { ConfigSection } from '@grafana/plugin-ui';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Badge, Button, Icon, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import { errorMessage } from '../../errors';
import { selectors } from '../../selectors';
import { EcosystemCheck } from '../../types';

type Outcome = { attempt: number } & ({ check: EcosystemCheck } | { error: string });

export async function fetchEcosystemCheck(uid: string): Promise<EcosystemCheck> {
  const response = await lastValueFrom(
    getBackendSrv().fetch<EcosystemCheck>({
      url: `/api/datasources/uid/${encodeURIComponent(uid)}/resources/ecosystemCheck`,
      method: 'GET',
      showErrorAlert: false,
    })
  );
  return response.data;
}

export function EcosystemCheckSection({ uid }: { uid?: string }) {
  const [attempt, setAttempt] = useState(0);
  const [outcome, setOutcome] = useState<Outcome>();
  useEffect(() => {
    if (!uid) {
      return;
    }
    let current = true;
    fetchEcosystemCheck(uid).then(
      (check) => current && setOutcome({ attempt, check }),
      (e) => current && setOutcome({ attempt, error: errorMessage(e) })
    );
    return () => {
      current = false;
    };
  }, [uid, attempt]);
  const loading = Boolean(uid) && outcome?.attempt !== attempt;

  return (
    <ConfigSection
      title="Ecosystem check"
      description="What the backend finds behind the saved settings: each scrape job, the MCP metric families it exports, and exemplar storage. Save first to check changed settings."
    >
      <div data-testid={selectors.config.ecosystemCheck.section}>
        <Button
          data-testid={selectors.config.ecosystemCheck.run}
          variant="secondary"
          icon="sync"
          disabled={!uid || loading}
          onClick={() => setAttempt((n) => n + 1)}
        >
          Check again
        </Button>
        {!uid && <p>Save the datasource to check its ecosystem.</p>}
        {loading && <LoadingPlaceholder text="Checking the ecosystem..." />}
        {!loading && outcome && 'error' in outcome && (
          <Alert severity="error" title="The ecosystem check could not run">
            {outcome.error}
          </Alert>
        )}
        {!loading && outcome && 'check' in outcome && <CheckResult check={outcome.check} />}
      </div>
    </ConfigSection>
  );
}

export function CheckResult({ check }: { check: EcosystemCheck }) {
  const styles = useStyles2(getStyles);
  const findings = check.findings ?? [];
  const severity =
    check.status === 'error'
      ? 'error'
      : findings.some((f) => f.severity === 'warning' || f.severity === 'error')
        ? 'warning'
        : 'success';
  return (
    <div className={styles.result}>
      <div data-testid={selectors.config.ecosystemCheck.summary}>
        <Alert severity={severity} title={check.message}>
          {check.engine?.url && (
            <div>
              {check.engine.name ?? 'Server'} {check.engine.url}
              {check.engine.version ? `, version ${check.engine.version}` : ''}
            </div>
          )}
          {Object.entries(check.engine?.features ?? {})
            // Exemplars have their own row below.
            .filter(([name, feature]) => name !== 'exemplars' && !feature.answers)
            .map(([name, feature]) => (
              <div key={name} data-testid={selectors.config.ecosystemCheck.feature(name)}>
                {feature.note}
              </div>
            ))}
          {check.profile && <div>Metric profile {check.profile}</div>}
        </Alert>
      </div>
      {(check.jobs ?? []).length > 0 && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Scrape job</th>
              <th>State</th>
              <th>MCP families found</th>
              <th>Missing</th>
            </tr>
          </thead>
          <tbody>
            {(check.jobs ?? []).map((job) => (
              <tr key={job.job} data-testid={selectors.config.ecosystemCheck.job(job.job)}>
                <td>{job.job}</td>
                <td>
                  {job.up ? (
                    <Badge color="green" icon="check" text="up" />
                  ) : (
                    <Badge color="red" icon="exclamation-triangle" text="down" />
                  )}
                  {job.instancesDown > 0 && (
                    <span className={styles.note}>
                      {job.instancesDown} of {job.instances} instances down
                    </span>
                  )}
                </td>
                <td title={job.families.present.join(', ')}>{job.families.present.length}</td>
                <td>{job.families.missing.length > 0 ? job.families.missing.join(', ') : 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {check.exemplars && (
        <p data-testid={selectors.config.ecosystemCheck.exemplars}>
          <Icon name={check.exemplars.ok ? 'check' : 'exclamation-triangle'} /> Exemplars: {check.exemplars.message}
        </p>
      )}
      {findings.length > 0 && (
        <ul className={styles.findings}>
          {findings.map((f, i) => (
            <li key={i} data-testid={selectors.config.ecosystemCheck.finding(i)}>
              <Icon name={f.severity === 'info' ? 'info-circle' : 'exclamation-triangle'} />{' '}
              <strong>{f.subject}</strong>: {f.problem}
              <div className={styles.fix}>What to do: {f.fix}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  result: css({ marginTop: theme.spacing(2) }),
  table: css({
    width: '100%',
    marginBottom: theme.spacing(2),
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  note: css({ marginLeft: theme.spacing(1), color: theme.colors.text.secondary }),
  findings: css({ listStyle: 'none', li: { marginBottom: theme.spacing(1) } }),
  fix: css({ marginLeft: theme.spacing(3), color: theme.colors.text.secondary }),
});

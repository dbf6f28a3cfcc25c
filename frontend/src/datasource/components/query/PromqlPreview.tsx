// The PromQL the backend will run for the query, asked from the backend itself
// (POST resources/promql): the same builder the query handlers use, never rebuilt here.
import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, TimeRange } from '@grafana/data';
import { Alert, Collapse, useStyles2 } from '@grafana/ui';

import type { McpDataSource } from '../../datasource';
import { errorMessage } from '../../errors';
import { selectors } from '../../selectors';
import { McpQuery, PromqlCall } from '../../types';

interface Props {
  datasource: McpDataSource;
  query: McpQuery;
  range?: TimeRange;
  intervalMs?: number;
  maxDataPoints?: number;
}

type Outcome = { key: string } & ({ calls: PromqlCall[] } | { error: string });

const DEBOUNCE_MS = 400;

export function PromqlPreview({ datasource, query, range, intervalMs, maxDataPoints }: Props) {
  const styles = useStyles2(getStyles);
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const { refId, hide, datasource: _ds, ...model } = query;
  const key = JSON.stringify([model, range?.from.valueOf(), range?.to.valueOf(), intervalMs, maxDataPoints]);

  useEffect(() => {
    if (!open || !range) {
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      datasource.previewPromql(query, range, intervalMs ?? defaultInterval(range), maxDataPoints ?? 1000).then(
        (calls) => current && setOutcome({ key, calls }),
        (e) => current && setOutcome({ key, error: errorMessage(e) })
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // The key holds everything the preview depends on.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, key]);

  const fresh = outcome?.key === key ? outcome : undefined;
  return (
    <div data-testid={selectors.query.preview}>
      <Collapse label="PromQL preview" isOpen={open} onToggle={() => setOpen(!open)} collapsible>
        {!range && <p>The preview needs a time range.</p>}
        {range && !fresh && <p className={styles.muted}>Asking the backend...</p>}
        {fresh && 'error' in fresh && (
          <div data-testid={selectors.query.previewError}>
            <Alert severity="error" title="This query cannot run">
              {fresh.error}
            </Alert>
          </div>
        )}
        {fresh &&
          'calls' in fresh &&
          fresh.calls.map((call, i) => (
            <div key={i} className={styles.call}>
              <div className={styles.muted}>
                {call.purpose} ({call.kind}
                {call.stepMs ? `, step ${call.stepMs / 1000}s` : ''})
              </div>
              <pre className={styles.expr}>{call.expr}</pre>
            </div>
          ))}
      </Collapse>
    </div>
  );
}

function defaultInterval(range: TimeRange): number {
  return Math.max(1000, Math.round((range.to.valueOf() - range.from.valueOf()) / 1000));
}

const getStyles = (theme: GrafanaTheme2) => ({
  call: css({ marginBottom: theme.spacing(1) }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  expr: css({ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }),
});

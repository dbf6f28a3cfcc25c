import React, { useState } from 'react';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataSourceInstanceSettings, DataSourceSettings } from '@grafana/data';
import { BackendSrv, DataSourceSrv, setBackendSrv, setDataSourceSrv } from '@grafana/runtime';
import { of, throwError } from 'rxjs';

import { selectors } from '../selectors';
import { EcosystemCheck, McpOptions, McpSecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Options = DataSourceSettings<McpOptions, McpSecureJsonData>;

function settings(overrides: Partial<Options> = {}): Options {
  return {
    id: 1,
    uid: 'mcp',
    orgId: 1,
    name: 'MCP Ecosystem',
    type: 'mahavishnu-mcp-datasource',
    typeName: 'MCP Ecosystem',
    typeLogoUrl: '',
    access: 'proxy',
    url: 'http://prometheus:9090',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    ...overrides,
  } as Options;
}

/**
 * Renders the editor the way Grafana does: every change comes back as the new options. The
 * ecosystem check the editor asks for on mount has answered when this resolves.
 */
async function renderEditor(initial: Options) {
  const seen: Options[] = [];
  function Host() {
    const [options, setOptions] = useState(initial);
    return (
      <ConfigEditor
        options={options}
        onOptionsChange={(next) => {
          seen.push(next);
          setOptions(next);
        }}
      />
    );
  }
  render(<Host />);
  await act(async () => {});
  return { last: () => seen[seen.length - 1] };
}

const tempo = {
  uid: 'tempo',
  name: 'Tempo',
  type: 'tempo',
  meta: { id: 'tempo', name: 'Tempo', tracing: true, info: { logos: { small: '' } } },
} as unknown as DataSourceInstanceSettings;

let ecosystemAnswer: () => unknown;

beforeEach(() => {
  ecosystemAnswer = () => ({ status: 'ok', message: 'ok', jobs: [] });
  setBackendSrv({
    fetch: () => {
      try {
        return of({ data: ecosystemAnswer(), status: 200 });
      } catch (e) {
        return throwError(() => e);
      }
    },
  } as unknown as BackendSrv);
  setDataSourceSrv({
    getList: (filters?: { tracing?: boolean }) => (filters?.tracing ? [tempo] : []),
    getInstanceSettings: (ref: unknown) => {
      const key = typeof ref === 'string' ? ref : (ref as { uid?: string } | undefined)?.uid;
      return key === 'tempo' || key === 'Tempo' ? tempo : undefined;
    },
    get: () => Promise.reject(new Error('not needed')),
    reload: () => {},
    registerRuntimeDataSource: () => {},
  } as unknown as DataSourceSrv);
});

describe('ConfigEditor', () => {
  it('names a URL problem in the words the backend uses', async () => {
    await renderEditor(settings({ url: 'ftp://prometheus' }));
    expect(await screen.findByText('only http and https URLs are supported')).toBeInTheDocument();
  });

  it('stores numbers as numbers and explains an out-of-range timeout', async () => {
    const { last } = await renderEditor(settings());
    const timeout = screen.getByTestId(selectors.config.timeout);
    expect(timeout).toHaveAttribute('placeholder', '30');
    await userEvent.type(timeout, '0');
    expect(last().jsonData.timeout).toBe(0);
    expect(screen.getByText('use a number of seconds from 1 to 3600')).toBeInTheDocument();
    await userEvent.clear(timeout);
    expect(last().jsonData).not.toHaveProperty('timeout');
    await userEvent.type(screen.getByTestId(selectors.config.scrapeInterval), '15x');
    expect(screen.getByText('use the scrape interval as a Prometheus duration, such as 15s')).toBeInTheDocument();
    expect(last().jsonData.timeInterval).toBe('15x');
  });

  it('writes the HTTP method and the metric profile to jsonData', async () => {
    const { last } = await renderEditor(settings());
    await userEvent.click(within(screen.getByTestId(selectors.config.httpMethod)).getByText('GET'));
    expect(last().jsonData.httpMethod).toBe('GET');
    await userEvent.click(screen.getByLabelText('Expand section Metric names'));
    await userEvent.click(within(screen.getByTestId(selectors.config.metricProfile)).getByText('OpenTelemetry'));
    expect(last().jsonData.metricProfile).toBe('otel');
  });

  it('asks for gzip by default, writes none, and names a value the backend refuses', async () => {
    const { last } = await renderEditor(settings());
    const compression = screen.getByTestId(selectors.config.compression);
    expect(within(compression).getByLabelText('gzip')).toBeChecked();
    await userEvent.click(within(compression).getByText('None'));
    expect(last().jsonData.compression).toBe('none');
    expect(within(compression).getByLabelText('None')).toBeChecked();
    cleanup();
    await renderEditor(settings({ jsonData: { compression: 'brotli' as 'gzip' } }));
    expect(screen.getByText('use "gzip" or "none" (none for loopback and fast networks)')).toBeInTheDocument();
  });

  it('shows the seed thresholds as placeholders and refuses a band in the wrong order', async () => {
    const { last } = await renderEditor(settings());
    await userEvent.click(screen.getByLabelText('Expand section Status thresholds'));
    const warn = screen.getByTestId(selectors.config.threshold('toolSuccessPercent', 'warn'));
    expect(warn).toHaveAttribute('placeholder', '95');
    expect(screen.getByTestId(selectors.config.threshold('p95LatencySeconds', 'critical'))).toHaveAttribute(
      'placeholder',
      '0.5'
    );
    await userEvent.type(warn, '80');
    expect(last().jsonData.thresholds).toEqual({ toolSuccessPercent: { warn: 80 } });
    expect(screen.getByText('warn must not be below critical (lower values are worse)')).toBeInTheDocument();
  });

  it('shows the otel profile defaults, and asks for both bounds of a band without one', async () => {
    const { last } = await renderEditor(settings({ jsonData: { metricProfile: 'otel' } }));
    await userEvent.click(screen.getByLabelText('Expand section Status thresholds'));
    expect(screen.getByTestId(selectors.config.threshold('p95LatencySeconds', 'warn'))).toHaveAttribute(
      'placeholder',
      '5'
    );
    const toolWarn = screen.getByTestId(selectors.config.threshold('toolP95LatencySeconds', 'warn'));
    expect(toolWarn).toHaveAttribute('placeholder', 'off');
    await userEvent.type(toolWarn, '0.2');
    expect(screen.getByText('this band has no default: give both warn and critical')).toBeInTheDocument();
    await userEvent.type(screen.getByTestId(selectors.config.threshold('toolP95LatencySeconds', 'critical')), '1');
    expect(screen.queryByText('this band has no default: give both warn and critical')).not.toBeInTheDocument();
    expect(last().jsonData.thresholds).toEqual({ toolP95LatencySeconds: { warn: 0.2, critical: 1 } });
  });

  it('keeps metric name overrides as logical name -> metric name', async () => {
    const { last } = await renderEditor(settings());
    await userEvent.click(screen.getByLabelText('Expand section Metric names'));
    await userEvent.click(screen.getByText('Add override'));
    await userEvent.type(screen.getByLabelText('Logical metric 1'), 'toolCalls');
    await userEvent.type(screen.getByLabelText('Metric name 1'), 'my-calls');
    expect(last().jsonData.metricOverrides).toEqual({ toolCalls: 'my-calls' });
    expect(screen.getByText('is not a Prometheus metric name')).toBeInTheDocument();
  });

  it('shows a configured basic auth password as configured and resets it', async () => {
    const { last } = await renderEditor(
      settings({ basicAuth: true, basicAuthUser: 'grafana', secureJsonFields: { basicAuthPassword: true } })
    );
    expect(screen.getByDisplayValue('grafana')).toBeInTheDocument();
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(last().secureJsonFields.basicAuthPassword).toBe(false);
  });

  it('stores a custom header name in jsonData and its value as a secret', async () => {
    const { last } = await renderEditor(settings());
    await userEvent.click(screen.getByLabelText('Expand section HTTP headers'));
    await userEvent.click(screen.getByRole('button', { name: /add header/i }));
    await userEvent.type(screen.getByPlaceholderText('X-Custom-Header'), 'X-Scope-OrgID');
    await userEvent.type(screen.getByPlaceholderText('Header value'), 'tenant-1');
    await userEvent.tab();
    expect(last().jsonData).toMatchObject({ httpHeaderName1: 'X-Scope-OrgID' });
    expect(last().secureJsonData).toMatchObject({ httpHeaderValue1: 'tenant-1' });
  });

  it('lists the backend ecosystem check: jobs, families, exemplars and what to do', async () => {
    const check: EcosystemCheck = {
      status: 'ok',
      message: 'Data source works; 1 of 2 scrape jobs is down',
      engine: {
        url: 'http://vm:8428',
        name: 'VictoriaMetrics',
        version: '1.79.5',
        features: {
          exemplars: { answers: false, note: 'VictoriaMetrics has no exemplar API' },
          metadata: { answers: true, note: 'answers' },
          nativeHistograms: { answers: false, note: 'VictoriaMetrics reads no native histograms' },
        },
      },
      profile: 'seed',
      jobs: [
        {
          job: 'mahavishnu',
          up: true,
          instances: 1,
          instancesDown: 0,
          families: { present: ['requests', 'tools'], missing: [] },
        },
        { job: 'akosha', up: false, instances: 2, instancesDown: 2, families: { present: [], missing: ['requests'] } },
      ],
      exemplars: { ok: false, message: 'exemplar storage is off' },
      findings: [
        {
          severity: 'warning',
          subject: 'akosha',
          problem: 'every target is down',
          fix: 'start akosha or fix its scrape target',
        },
      ],
    };
    ecosystemAnswer = () => check;
    await renderEditor(settings());
    const down = await screen.findByTestId(selectors.config.ecosystemCheck.job('akosha'));
    expect(within(down).getByText('down')).toBeInTheDocument();
    expect(within(down).getByText('2 of 2 instances down')).toBeInTheDocument();
    expect(within(down).getByText('requests')).toBeInTheDocument();
    expect(
      within(screen.getByTestId(selectors.config.ecosystemCheck.job('mahavishnu'))).getByText('up')
    ).toBeInTheDocument();
    expect(screen.getByText(check.message)).toBeInTheDocument();
    expect(screen.getByText('VictoriaMetrics http://vm:8428, version 1.79.5')).toBeInTheDocument();
    expect(screen.getByTestId(selectors.config.ecosystemCheck.feature('nativeHistograms'))).toHaveTextContent(
      'reads no native histograms'
    );
    expect(screen.queryByTestId(selectors.config.ecosystemCheck.feature('metadata'))).not.toBeInTheDocument();
    expect(screen.getByTestId(selectors.config.ecosystemCheck.exemplars)).toHaveTextContent('exemplar storage is off');
    expect(screen.getByTestId(selectors.config.ecosystemCheck.finding(0))).toHaveTextContent(
      'What to do: start akosha or fix its scrape target'
    );
  });

  it('says why the ecosystem check could not run', async () => {
    ecosystemAnswer = () => {
      throw { status: 502, data: { error: 'connection refused' } };
    };
    await renderEditor(settings());
    expect(await screen.findByText('connection refused')).toBeInTheDocument();
    expect(screen.getByText('The ecosystem check could not run')).toBeInTheDocument();
  });

  it('offers tracing datasources for exemplar links', async () => {
    const { last } = await renderEditor(settings());
    await userEvent.click(screen.getByLabelText('Expand section Exemplars and traces'));
    await userEvent.click(within(screen.getByTestId(selectors.config.traceDatasource)).getByRole('combobox'));
    await userEvent.click(await screen.findByText('Tempo'));
    await waitFor(() => expect(last().jsonData.traceDatasourceUid).toBe('tempo'));
  });
});

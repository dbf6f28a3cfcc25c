// The harness page: Grafana's singletons wired to the Go server, the plugin loaded as
// Grafana loads it, and one of its pages (the datasource config page or a query editor
// with a Run button and the result) rendered in Grafana's light or dark theme.
import {
  CoreApp,
  createTheme,
  DataFrame,
  DataQuery,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourcePlugin,
  DataSourcePluginMeta,
  DataSourceSettings,
  dateTime,
  Field,
  formattedValueToString,
  PanelPlugin,
  LoadingState,
  locationUtil,
  PanelData,
  ThemeContext,
} from '@grafana/data';
import { selectors } from '@grafana/e2e-selectors';
import { config, setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { Alert, Button, GlobalStyles, InlineField, Select, useTheme2 } from '@grafana/ui';
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { from } from 'rxjs';

import { HarnessBackendSrv } from './backendSrv';
import { DashboardJson, DashboardPage, dashboardVariables } from './dashboard';
import { HarnessDataSourceSrv } from './dataSourceSrv';
import { applyFieldConfig } from './fields';
import { importPlugin } from './loader';
import { PanelPage } from './panel';
import { byTopic } from './queries';
import { HarnessTemplateSrv, HarnessVariable } from './templateSrv';
import type { HarnessDatasource } from './types';

interface StartOptions {
  theme: 'light' | 'dark';
  params: URLSearchParams;
  datasources: HarnessDatasource[];
}

/** What the tests read and drive through page.evaluate. */
interface HarnessHandle {
  timings: Record<string, number>;
  requests: HarnessBackendSrv['log'];
  templateSrv: HarnessTemplateSrv;
  setVariable(name: string, values: string[]): void;
  /** The plugin's datasource instance of a uid, as Grafana's DataSourceSrv gives it. */
  datasource?(uid: string): Promise<DataSourceApi>;
  /** view=panel: runs the panel's queries again, as a dashboard refresh does. */
  refresh?(): Promise<PanelData>;
  /** view=panel: gives the panel another size, as dragging its corner does (no new queries). */
  resize?(width: number, height: number): void;
  /** The Grafana theme the page is in. */
  theme?: ReturnType<typeof createTheme>;
  /** @grafana/e2e-selectors of the Grafana release the page is built with. */
  e2e: typeof selectors;
}

const backendSrv = new HarnessBackendSrv();
const templateSrv = new HarnessTemplateSrv();

export async function start({ theme, params, datasources }: StartOptions) {
  const timings: Record<string, number> = {};
  const handle: HarnessHandle = {
    timings,
    requests: backendSrv.log,
    templateSrv,
    setVariable: (name, values) => templateSrv.setCurrent(name, values),
    e2e: selectors,
  };
  (window as any).harness = handle;

  const pluginId = params.get('plugin') ?? 'mahavishnu-mcp-datasource';
  const view = params.get('view') ?? 'query';
  const uid = params.get('uid') ?? (view === 'config' ? 'mcp-new' : 'mcp');
  templateSrv.setVariables(variablesFromParams(params));
  setBackendSrv(backendSrv as any);
  setTemplateSrv(templateSrv);
  // As Grafana's app does before any plugin loads: links are read and made under its
  // sub-path (config.appSubUrl); a link's range is the panel view's, with no variables.
  locationUtil.initialize({
    config,
    getTimeRangeForUrl: () => ({ from: 'now-15m', to: 'now' }),
    getVariablesUrlParams: () => ({}),
  });

  // Grafana's shell (theme, global styles) is up before a plugin loads, as in Grafana.
  const grafanaTheme = createTheme({ colors: { mode: theme } });
  handle.theme = grafanaTheme;
  document.body.setAttribute('data-theme', theme);
  const root = createRoot(document.getElementById('root')!);
  const shell = (page: React.ReactNode) => (
    <ThemeContext.Provider value={grafanaTheme}>
      <GlobalStyles />
      <div style={{ padding: grafanaTheme.spacing(2), maxWidth: 1100 }}>{page}</div>
    </ThemeContext.Provider>
  );
  root.render(shell(null));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  const metaJson = await (await fetch(`public/plugins/${pluginId}/plugin.json`)).json();
  const meta = {
    ...metaJson,
    baseUrl: `public/plugins/${pluginId}`,
    module: `public/plugins/${pluginId}/module`,
  } as DataSourcePluginMeta;
  timings.moduleImportStart = performance.now();
  const exports = await importPlugin(pluginId);
  timings.moduleLoaded = performance.now();
  const plugin: DataSourcePlugin<any, any, any, any> = exports.plugin;
  if (!plugin || !plugin.DataSourceClass) {
    throw new Error(`${pluginId}/module.js exports no DataSourcePlugin as "plugin"`);
  }
  plugin.meta = meta;
  const dsSrv = new HarnessDataSourceSrv(plugin, meta);
  dsSrv.setDatasources(datasources);
  setDataSourceSrv(dsSrv);
  handle.datasource = (uid) => dsSrv.get(uid);

  if (view === 'dashboard') {
    const dashboardUid = params.get('dashboard') ?? 'mcp-ecosystem-overview';
    const res = await backendSrv.get<{ dashboard: DashboardJson }>(`/api/dashboards/uid/${dashboardUid}`);
    const fromUrl = templateSrv.list();
    templateSrv.setVariables([
      ...dashboardVariables(res.dashboard, uid).filter((v) => !fromUrl.some((u) => u.name === v.name)),
      ...fromUrl,
    ]);
    const width = Number(params.get('width') ?? 1400);
    const from = params.get('from');
    root.render(
      <ThemeContext.Provider value={grafanaTheme}>
        <GlobalStyles />
        <div style={{ padding: grafanaTheme.spacing(2), width: width + 32 }}>
          <DashboardPage
            dashboard={res.dashboard}
            dsSrv={dsSrv}
            theme={grafanaTheme}
            width={width}
            range={from ? { from, to: params.get('to') ?? 'now' } : undefined}
            grafanaVersion={config.buildInfo.version}
          />
        </div>
      </ThemeContext.Provider>
    );
    document.body.setAttribute('data-harness-state', 'ready');
    return;
  }

  if (view === 'panel') {
    const panelId = params.get('panel') ?? 'mahavishnu-mcpecosystem-panel';
    timings.panelImportStart = performance.now();
    const panelExports = await importPlugin(panelId);
    const panel: PanelPlugin<any, any> = panelExports.plugin;
    if (!panel || !panel.panel) {
      throw new Error(`${panelId}/module.js exports no PanelPlugin as "plugin"`);
    }
    timings.panelLoaded = performance.now();
    const ds = await dsSrv.get(uid);
    const settings = dsSrv.getInstanceSettings(uid)!;
    const queries: DataQuery[] = JSON.parse(
      params.get('queries') ?? JSON.stringify([{ refId: 'A', queryType: 'ecosystemSummary' }])
    ).map((q: DataQuery) => ({ datasource: { uid: settings.uid, type: settings.type }, ...q }));
    const width = Number(params.get('width') ?? 1000);
    const height = Number(params.get('height') ?? 500);
    root.render(
      shell(
        <PanelPage
          plugin={panel}
          ds={ds}
          queries={queries}
          options={JSON.parse(params.get('options') ?? '{}')}
          width={width}
          height={height}
          timeZone={params.get('tz') ?? 'browser'}
          transparent={params.get('transparent') === 'true'}
          from={params.get('from') ?? undefined}
          onRefresh={(refresh) => (handle.refresh = refresh)}
          onResize={(resize) => (handle.resize = resize)}
        />
      )
    );
    document.body.setAttribute('data-harness-state', 'ready');
    return;
  }

  const page =
    view === 'config' ? (
      <ConfigPage plugin={plugin} uid={uid} dsSrv={dsSrv} />
    ) : (
      <QueryPage
        plugin={plugin}
        uid={uid}
        dsSrv={dsSrv}
        onMounted={() => (timings.editorMounted = performance.now())}
      />
    );
  root.render(shell(page));
  document.body.setAttribute('data-harness-state', 'ready');
  if (view === 'query') {
    watchInteractive(timings);
  }
}

/** Records when the query editor first shows an enabled control a user can operate. */
function watchInteractive(timings: Record<string, number>) {
  const check = () => {
    const control = document.querySelector<HTMLElement>(
      '[data-testid="harness-query-editor"] input:not([disabled]), [data-testid="harness-query-editor"] button:not([disabled])'
    );
    if (control) {
      timings.editorInteractive = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
}

/** var-<name>=a,b,c (options) and cur-<name>=a (current): dashboard variables from the URL. */
function variablesFromParams(params: URLSearchParams): HarnessVariable[] {
  const vars: HarnessVariable[] = [];
  params.forEach((value, key) => {
    if (key.startsWith('var-')) {
      const name = key.slice(4);
      const options = value.split(',');
      const current = params.get(`cur-${name}`)?.split(',') ?? [options[0]];
      vars.push({ name, options, multi: params.get(`multi-${name}`) === 'true', current });
    }
  });
  return vars;
}

/** The datasource's settings page: the plugin's ConfigEditor and Grafana's "Save & test". */
function ConfigPage({
  plugin,
  uid,
  dsSrv,
}: {
  plugin: DataSourcePlugin<any, any, any, any>;
  uid: string;
  dsSrv: HarnessDataSourceSrv;
}) {
  const [options, setOptions] = useState<DataSourceSettings<any, any>>();
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<{ status: string; message: string; details?: any }>();
  useEffect(() => {
    backendSrv
      .get<DataSourceSettings<any, any>>(`/api/datasources/uid/${uid}`)
      .then((ds) => setOptions({ ...ds, secureJsonData: {} }));
  }, [uid]);

  const saveAndTest = useCallback(async () => {
    if (!options) {
      return;
    }
    setTesting(true);
    setResult(undefined);
    try {
      const saved = await backendSrv.put<{ datasource: DataSourceSettings<any, any> }>(
        `/api/datasources/uid/${uid}`,
        options
      );
      setOptions({ ...saved.datasource, secureJsonData: {} });
      await dsSrv.reload();
      const ds = await dsSrv.get(uid);
      const r = await ds.testDatasource();
      setResult({ status: r.status, message: r.message, details: r.details });
    } catch (err: any) {
      setResult({
        status: 'error',
        message: err?.message ?? err?.data?.message ?? String(err),
        details: err?.details ?? err?.data?.details,
      });
    } finally {
      setTesting(false);
    }
  }, [options, uid, dsSrv]);

  const Editor = plugin.components.ConfigEditor;
  if (!options || !Editor) {
    return <div data-testid="harness-loading">Loading settings…</div>;
  }
  return (
    <div data-testid="harness-config-page">
      <Editor options={options} onOptionsChange={setOptions} />
      <div style={{ marginTop: 16, display: 'flex', gap: 8 }}>
        <Button data-testid={selectors.pages.DataSource.saveAndTest} onClick={saveAndTest} disabled={testing}>
          {testing ? 'Testing...' : 'Save & test'}
        </Button>
      </div>
      {result && (
        <div style={{ marginTop: 16 }}>
          <Alert
            data-testid={selectors.pages.DataSource.alert}
            severity={result.status === 'success' ? 'success' : 'error'}
            title={result.message}
          >
            {typeof result.details?.message === 'string' ? result.details.message : null}
          </Alert>
        </div>
      )}
    </div>
  );
}

/** A panel editor's query row: variables, the plugin's QueryEditor, Run, and the result. */
function QueryPage({
  plugin,
  uid,
  dsSrv,
  onMounted,
}: {
  plugin: DataSourcePlugin<any, any, any, any>;
  uid: string;
  dsSrv: HarnessDataSourceSrv;
  onMounted: () => void;
}) {
  const [ds, setDs] = useState<DataSourceApi>();
  const [query, setQuery] = useState<DataQuery>();
  const [data, setData] = useState<PanelData>();
  const [, setVersion] = useState(0);
  const range = useMemo(() => {
    const to = dateTime();
    const fromTime = dateTime(to.valueOf() - 15 * 60 * 1000);
    return { from: fromTime, to, raw: { from: 'now-15m', to: 'now' } };
  }, []);

  useEffect(() => templateSrv.subscribe(() => setVersion((v) => v + 1)), []);
  useEffect(() => {
    dsSrv.get(uid).then((instance) => {
      setDs(instance);
      const settings = dsSrv.getInstanceSettings(uid)!;
      setQuery({
        refId: 'A',
        datasource: { uid: settings.uid, type: settings.type },
        ...(instance.getDefaultQuery?.(CoreApp.PanelEditor) ?? {}),
      });
    });
  }, [uid, dsSrv]);
  useEffect(() => {
    if (ds && query) {
      onMounted();
    }
    // Mounted once: the first render with a datasource and a query.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ds !== undefined && query !== undefined]);

  const run = useCallback(
    (q?: DataQuery) => {
      const target = q ?? query;
      if (!ds || !target) {
        return;
      }
      const request: DataQueryRequest<DataQuery> = {
        requestId: `harness-${Date.now()}`,
        app: CoreApp.PanelEditor,
        interval: '1s',
        intervalMs: 1000,
        maxDataPoints: 300,
        range,
        rangeRaw: range.raw,
        scopedVars: {},
        targets: [target],
        timezone: 'browser',
        startTime: Date.now(),
      };
      setData({ state: LoadingState.Loading, series: [], timeRange: range });
      from(ds.query(request) as any).subscribe({
        next: (resp: any) => {
          const r = resp as DataQueryResponse;
          setData({
            state: r.state ?? LoadingState.Done,
            ...byTopic(r.data ?? []),
            errors: r.errors,
            error: r.error,
            timeRange: range,
          });
        },
        error: (err: any) =>
          setData({
            state: LoadingState.Error,
            series: [],
            error: { message: err?.message ?? String(err) },
            timeRange: range,
          }),
      });
    },
    [ds, query, range]
  );

  // The inspector lists the series, then the annotations (the exemplars).
  const frames = useMemo(() => [...(data?.series ?? []), ...(data?.annotations ?? [])], [data]);
  const Editor = plugin.components.QueryEditor;
  if (!ds || !query || !Editor) {
    return <div data-testid="harness-loading">Loading the datasource…</div>;
  }
  const errors = data?.errors ?? (data?.error ? [data.error] : []);
  return (
    <div data-testid="harness-query-page">
      <VariableBar onChange={() => run()} />
      <div data-testid="harness-query-editor">
        <Editor
          datasource={ds}
          query={query}
          onChange={setQuery}
          onRunQuery={() => run()}
          data={data}
          range={range}
          app={CoreApp.PanelEditor}
        />
      </div>
      <div style={{ marginTop: 16 }}>
        <Button data-testid="harness-run" icon="sync" onClick={() => run()}>
          Run queries
        </Button>
      </div>
      {errors.length > 0 && (
        <div style={{ marginTop: 16 }} data-testid="harness-query-errors">
          {errors.map((e, i) => (
            <Alert key={i} severity="error" title={e.message ?? 'Query error'} />
          ))}
        </div>
      )}
      <ResultTables state={data?.state} frames={frames} />
    </div>
  );
}

/** The dashboard's variable pickers, as Grafana shows them above a panel. */
function VariableBar({ onChange }: { onChange: () => void }) {
  const vars = templateSrv.list();
  if (vars.length === 0) {
    return null;
  }
  return (
    <div style={{ display: 'flex', gap: 8, marginBottom: 16 }} data-testid="harness-variables">
      {vars.map((v) => (
        <InlineField key={v.name} label={v.name}>
          <Select
            inputId={`harness-var-${v.name}`}
            aria-label={`Template variable ${v.name}`}
            width={40}
            isMulti={v.multi}
            options={v.options.map((o) => ({ label: o, value: o }))}
            value={v.multi ? v.current : v.current[0]}
            onChange={(sel: any) => {
              const values = Array.isArray(sel) ? sel.map((s) => s.value) : [sel.value];
              templateSrv.setCurrent(v.name, values);
              onChange();
            }}
          />
        </InlineField>
      ))}
    </div>
  );
}

/** A cell as Grafana's table shows it: through its field's display processor (unit, decimals). */
function cell(field: Field, row: number): string {
  const v = field.values[row];
  if (v === null || v === undefined) {
    return '';
  }
  if (field.display) {
    return formattedValueToString(field.display(v));
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The frames as the query inspector's data tab lists them. */
function ResultTables({ state, frames: raw }: { state?: LoadingState; frames: DataFrame[] }) {
  const theme = useTheme2();
  const frames = useMemo(
    () => applyFieldConfig(raw, { defaults: {}, overrides: [] }, theme, (v: string) => templateSrv.replace(v)),
    [raw, theme]
  );
  return (
    <div
      data-testid="harness-result"
      data-state={state ?? 'NotStarted'}
      data-frames={frames.length}
      style={{ marginTop: 16 }}
    >
      {frames.map((f, i) => (
        <table
          key={i}
          data-testid="harness-frame"
          data-name={f.name ?? ''}
          data-topic={f.meta?.dataTopic ?? ''}
          style={{ borderCollapse: 'collapse', marginBottom: 16, fontSize: 12 }}
        >
          <caption style={{ textAlign: 'left' }}>{f.name ?? `frame ${i + 1}`}</caption>
          <thead>
            <tr>
              {f.fields.map((field) => (
                <th
                  key={field.name}
                  style={{ textAlign: 'left', padding: '2px 8px' }}
                  data-labels={JSON.stringify(field.labels ?? {})}
                >
                  {field.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: Math.min(f.length, 50) }, (_, r) => (
              <tr key={r}>
                {f.fields.map((field) => (
                  <td key={field.name} style={{ padding: '2px 8px' }}>
                    {cell(field, r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

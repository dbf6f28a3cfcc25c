// A dashboard panel as Grafana renders one: the panel plugin's component with PanelProps,
// its data from the real datasource's queries (/api/ds/query), at a given size and theme.
//
// URL: /harness/?view=panel&panel=<panel plugin id>&uid=<datasource uid>&width=..&height=..
//      &queries=<JSON array of queries>&options=<JSON of options over the plugin's defaults>
import {
  CoreApp,
  DataQuery,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  dateTime,
  EventBusSrv,
  LoadingState,
  PanelData,
  PanelPlugin,
  standardEditorsRegistry,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { lastValueFrom, from } from 'rxjs';

// Grafana registers its option editors at start-up (from its own, AGPL, code); a panel's
// option builder looks each up by id. The harness draws no options pane: ids suffice.
const OPTION_EDITORS = ['text', 'number', 'boolean', 'radio', 'select', 'multi-select', 'color', 'unit', 'slider'];
let editorsRegistered = false;
function registerOptionEditors() {
  if (!editorsRegistered) {
    editorsRegistered = true;
    standardEditorsRegistry.setInit(() => OPTION_EDITORS.map((id) => ({ id, name: id, editor: () => null })));
  }
}

export interface PanelPageProps {
  plugin: PanelPlugin<any, any>;
  ds: DataSourceApi;
  queries: DataQuery[];
  options: Record<string, unknown>;
  width: number;
  height: number;
  /** Called with a function that runs the queries again (the dashboard's refresh). */
  onRefresh: (refresh: () => Promise<PanelData>) => void;
}

export function PanelPage({ plugin, ds, queries, options, width, height, onRefresh }: PanelPageProps) {
  const [data, setData] = useState<PanelData>();
  const eventBus = useMemo(() => new EventBusSrv(), []);
  const range = useMemo(() => {
    const to = dateTime();
    return {
      from: dateTime(to.valueOf() - 15 * 60 * 1000),
      to,
      raw: { from: 'now-15m', to: 'now' },
    };
  }, []);

  const run = useCallback(async (): Promise<PanelData> => {
    const request: DataQueryRequest<DataQuery> = {
      requestId: `harness-panel-${Date.now()}`,
      app: CoreApp.Dashboard,
      interval: '15s',
      intervalMs: 15000,
      maxDataPoints: width,
      range,
      rangeRaw: range.raw,
      scopedVars: {},
      targets: queries,
      timezone: 'browser',
      startTime: Date.now(),
    };
    let next: PanelData;
    try {
      const r: DataQueryResponse = await lastValueFrom(from(ds.query(request) as any) as any);
      next = {
        state: r.errors?.length ? LoadingState.Error : LoadingState.Done,
        series: r.data ?? [],
        errors: r.errors ?? (r.error ? [r.error] : undefined),
        timeRange: range,
      };
    } catch (err: any) {
      next = {
        state: LoadingState.Error,
        series: [],
        errors: [{ message: err?.data?.message ?? err?.message ?? String(err) }],
        timeRange: range,
      };
    }
    setData(next);
    return next;
  }, [ds, queries, range, width]);

  useEffect(() => {
    onRefresh(run);
    run();
  }, [run, onRefresh]);

  registerOptionEditors();
  const Panel = plugin.panel;
  if (!Panel || !data) {
    return <div data-testid="harness-loading">Running the panel’s queries…</div>;
  }
  return (
    <div data-testid="harness-panel" data-state={data.state} style={{ width, height }}>
      <Panel
        id={1}
        data={data}
        timeRange={data.timeRange}
        timeZone="browser"
        options={{ ...plugin.defaults, ...options }}
        fieldConfig={{ defaults: {}, overrides: [] }}
        transparent={false}
        width={width}
        height={height}
        renderCounter={0}
        title="MCP Ecosystem"
        eventBus={eventBus}
        onOptionsChange={() => {}}
        onFieldConfigChange={() => {}}
        replaceVariables={(v: string, scoped?: any, format?: any) => getTemplateSrv().replace(v, scoped, format)}
        onChangeTimeRange={() => {}}
      />
    </div>
  );
}

// A dashboard panel as Grafana renders one: the panel plugin's component with PanelProps,
// its data from the real datasource's queries (/api/ds/query), at a given size and theme.
//
// URL: /harness/?view=panel&panel=<panel plugin id>&uid=<datasource uid>&width=..&height=..
//      &queries=<JSON array of queries>&options=<JSON of options over the plugin's defaults>
//      &tz=<the dashboard's time zone: browser (default), utc or an IANA name>
//      &transparent=true (the panel's "Transparent background")
//      &from=<the time range's start, e.g. now-90s; now-15m by default>
import { DataQuery, DataSourceApi, EventBusSrv, PanelData, PanelPlugin, standardEditorsRegistry } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { useCallback, useEffect, useMemo, useState } from 'react';

import { runQueries, timeRange } from './queries';

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
  /** The dashboard's time zone. */
  timeZone: string;
  /** The panel's "Transparent background". */
  transparent?: boolean;
  /** The time range's start (to now): now-15m unless given. */
  from?: string;
  /** Called with a function that runs the queries again (the dashboard's refresh). */
  onRefresh: (refresh: () => Promise<PanelData>) => void;
  /** Called with a function that gives the panel another size (its corner dragged). */
  onResize: (resize: (width: number, height: number) => void) => void;
}

export function PanelPage({
  plugin,
  ds,
  queries,
  options,
  width,
  height,
  timeZone,
  transparent,
  from = 'now-15m',
  onRefresh,
  onResize,
}: PanelPageProps) {
  const [data, setData] = useState<PanelData>();
  // A resize does not run the queries again (the width they were asked at stays).
  const [size, setSize] = useState({ width, height });
  useEffect(() => {
    onResize((w, h) => setSize({ width: w, height: h }));
  }, [onResize]);
  const range = useMemo(() => timeRange({ from, to: 'now' }), [from]);

  const run = useCallback(async (): Promise<PanelData> => {
    const next = await runQueries(ds, queries, range, width);
    setData(next);
    return next;
  }, [ds, queries, range, width]);

  useEffect(() => {
    onRefresh(run);
    run();
  }, [run, onRefresh]);

  if (!plugin.panel || !data) {
    return <div data-testid="harness-loading">Running the panel’s queries…</div>;
  }
  return (
    <div
      data-testid="harness-panel"
      data-state={data.state}
      data-series={JSON.stringify(data.series.map((f) => f.name))}
      data-annotations={JSON.stringify((data.annotations ?? []).map((f) => f.name))}
      style={size}
    >
      <PluginPanel
        plugin={plugin}
        data={data}
        options={options}
        width={size.width}
        height={size.height}
        title="MCP Ecosystem"
        timeZone={timeZone}
        transparent={transparent}
      />
    </div>
  );
}

/** A panel plugin's component with the PanelProps Grafana gives it. */
export function PluginPanel({
  plugin,
  data,
  options,
  width,
  height,
  title,
  timeZone = 'browser',
  transparent = false,
}: {
  plugin: PanelPlugin<any, any>;
  data: PanelData;
  options: Record<string, unknown>;
  width: number;
  height: number;
  title: string;
  timeZone?: string;
  transparent?: boolean;
}) {
  const eventBus = useMemo(() => new EventBusSrv(), []);
  registerOptionEditors();
  // The same objects from one render to the next unless they change, as Grafana gives them.
  const merged = useMemo(() => ({ ...plugin.defaults, ...options }), [plugin, options]);
  const replaceVariables = useCallback(
    (v: string, scoped?: any, format?: any) => getTemplateSrv().replace(v, scoped, format),
    []
  );
  const Panel = plugin.panel;
  if (!Panel) {
    return null;
  }
  return (
    <Panel
      id={1}
      data={data}
      timeRange={data.timeRange}
      timeZone={timeZone}
      options={merged}
      fieldConfig={{ defaults: {}, overrides: [] }}
      transparent={transparent}
      width={width}
      height={height}
      renderCounter={0}
      title={title}
      eventBus={eventBus}
      onOptionsChange={() => {}}
      onFieldConfigChange={() => {}}
      replaceVariables={replaceVariables}
      onChangeTimeRange={() => {}}
    />
  );
}

// A provisioned dashboard as the harness draws it: its panels laid out by gridPos on
// Grafana's grid, each panel's targets run through the real plugin (/api/ds/query), and
// each drawn with @grafana/ui's visualisations (Apache-2.0) where Grafana's built-in panels
// are its own (AGPL) code: timeseries -> TimeSeries, stat -> BigValue, bargauge -> BarGauge,
// table -> Table, and gauge -> a vertical BarGauge (@grafana/ui 10.4's Gauge draws with the
// jQuery Flot that Grafana's own frontend loads, and 13 no longer exports it);
// a plugin panel (the overview) through its module.js. It is the harness's rendering of the
// dashboard, not Grafana's: no options pane, tooltips, links or annotations.
//
// URL: /harness/?view=dashboard&dashboard=<uid>&uid=<datasource uid>&width=..[&from=now-1h&to=now]
import {
  DataFrame,
  FieldConfigSource,
  FieldDisplay,
  getFieldDisplayValues,
  GrafanaTheme2,
  LoadingState,
  PanelData,
  PanelPlugin,
  TimeRange,
  VizOrientation,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import * as ui from '@grafana/ui';
import { Component, ReactNode, useEffect, useMemo, useState } from 'react';
// uPlot's own stylesheet, which Grafana's frontend includes for every uPlot-based panel.
import uplotCss from 'uplot/dist/uPlot.min.css';

import { HarnessDataSourceSrv } from './dataSourceSrv';
import { applyFieldConfig, panelFieldConfig } from './fields';
import { importPlugin } from './loader';
import { PluginPanel } from './panel';
import { runQueries, timeRange } from './queries';
import type { HarnessVariable } from './templateSrv';

/** Grafana's dashboard grid: 24 columns, 30 px rows, 8 px between cells. */
const GRID = { columns: 24, rowHeight: 30, margin: 8 };

export interface DashboardJson {
  uid: string;
  title: string;
  time?: { from: string; to: string };
  templating?: { list: Array<{ name: string; type: string; multi?: boolean; includeAll?: boolean }> };
  panels: DashboardPanelJson[];
}

interface DashboardPanelJson {
  id?: number;
  type: string;
  title?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid?: string; type?: string };
  targets?: Array<Record<string, any>>;
  fieldConfig?: FieldConfigSource;
  options?: Record<string, any>;
  panels?: DashboardPanelJson[];
}

/**
 * The dashboard's variables as Grafana starts them: a datasource variable on the given
 * datasource, a query variable that includes All on All.
 */
export function dashboardVariables(dashboard: DashboardJson, datasourceUid: string): HarnessVariable[] {
  return (dashboard.templating?.list ?? []).map((v) =>
    v.type === 'datasource'
      ? { name: v.name, options: [datasourceUid], current: [datasourceUid], multi: false }
      : { name: v.name, options: ['$__all'], current: ['$__all'], multi: v.multi ?? false }
  );
}

/** Panels in reading order, those of collapsed rows included. */
function allPanels(panels: DashboardPanelJson[]): DashboardPanelJson[] {
  return panels
    .flatMap((p) => [p, ...(p.panels ?? [])])
    .sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
}

export function DashboardPage({
  dashboard,
  dsSrv,
  theme,
  width,
  range: rawRange,
  grafanaVersion,
}: {
  dashboard: DashboardJson;
  dsSrv: HarnessDataSourceSrv;
  theme: GrafanaTheme2;
  width: number;
  range?: { from: string; to: string };
  grafanaVersion: string;
}) {
  const range = useMemo(
    () => timeRange(rawRange ?? dashboard.time ?? { from: 'now-1h', to: 'now' }),
    [rawRange, dashboard.time]
  );
  useEffect(() => {
    const style = document.createElement('style');
    style.textContent = uplotCss;
    document.head.appendChild(style);
    return () => style.remove();
  }, []);
  const panels = allPanels(dashboard.panels);
  const cell = (width - GRID.margin * (GRID.columns - 1)) / GRID.columns;
  const bottom = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h));
  return (
    <div data-testid="harness-dashboard" data-uid={dashboard.uid}>
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 16, marginBottom: 8 }}>
        <h1 style={{ margin: 0, fontSize: theme.typography.h3.fontSize }}>{dashboard.title}</h1>
        <span data-testid="harness-dashboard-note" style={{ color: theme.colors.text.secondary }}>
          The browser harness&rsquo;s rendering of this dashboard, not Grafana&rsquo;s: its panels drawn with
          @grafana/ui {grafanaVersion} (gauges as bar gauges) over the real plugin; {range.raw.from as string} to{' '}
          {range.raw.to as string}
        </span>
      </div>
      <VariableLabels />
      <div style={{ position: 'relative', width, height: bottom * (GRID.rowHeight + GRID.margin) }}>
        {panels.map((p, i) => {
          const { x, y, w, h } = p.gridPos;
          const box = {
            left: x * (cell + GRID.margin),
            top: y * (GRID.rowHeight + GRID.margin),
            width: w * cell + (w - 1) * GRID.margin,
            height: h * GRID.rowHeight + (h - 1) * GRID.margin,
          };
          return (
            <div key={p.id ?? i} style={{ position: 'absolute', ...box }}>
              {p.type === 'row' ? (
                <div
                  data-testid="harness-dashboard-row"
                  style={{ fontSize: theme.typography.h5.fontSize, fontWeight: 500, lineHeight: `${box.height}px` }}
                >
                  {p.title}
                </div>
              ) : (
                <DashboardPanel
                  panel={p}
                  dsSrv={dsSrv}
                  range={range}
                  width={box.width}
                  height={box.height}
                  theme={theme}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The dashboard's variables and their values, as Grafana's variable bar shows them. */
function VariableLabels() {
  return (
    <div style={{ display: 'flex', gap: 8, marginBottom: 8 }}>
      {getTemplateSrv()
        .getVariables()
        .map((v: any) => (
          <ui.InlineField key={v.name} label={v.label ?? v.name} disabled>
            <ui.Input
              width={24}
              readOnly
              value={(Array.isArray(v.current.value) ? v.current.value : [v.current.value])
                .map((x: string) => (x === '$__all' ? 'All' : x))
                .join(', ')}
            />
          </ui.InlineField>
        ))}
    </div>
  );
}

/** What a panel shows: how many values (rows, series, gauges) it drew, for the tests. */
interface Drawn {
  node: React.ReactNode;
  values: number;
}

function DashboardPanel({
  panel,
  dsSrv,
  range,
  width,
  height,
  theme,
}: {
  panel: DashboardPanelJson;
  dsSrv: HarnessDataSourceSrv;
  range: TimeRange;
  width: number;
  height: number;
  theme: GrafanaTheme2;
}) {
  const [data, setData] = useState<PanelData>();
  const [plugin, setPlugin] = useState<PanelPlugin<any, any>>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    const tpl = getTemplateSrv();
    const run = async () => {
      if (!BUILT_IN.has(panel.type)) {
        const exports = await importPlugin(panel.type);
        setPlugin(exports.plugin);
      }
      const ref = panel.datasource?.uid ? tpl.replace(panel.datasource.uid) : undefined;
      const ds = await dsSrv.get(ref);
      const targets = (panel.targets ?? []).map((t) => ({
        ...t,
        refId: t.refId ?? 'A',
        datasource: { uid: ds.uid, type: ds.type },
      }));
      // Grafana's lower bound of the interval: the datasource's scrape interval.
      const minInterval = dsSrv.getInstanceSettings(ds.uid)?.jsonData?.timeInterval;
      setData(await runQueries(ds, targets, range, Math.round(width), minInterval));
    };
    run().catch((e) => setFailure(String(e?.message ?? e)));
  }, [panel, dsSrv, range, width]);

  const errors = failure ? [failure] : (data?.errors ?? []).map((e) => e.message ?? 'query error');
  return (
    <ui.PanelChrome
      title={panel.title}
      width={width}
      height={height}
      loadingState={data ? (errors.length ? LoadingState.Error : LoadingState.Done) : LoadingState.Loading}
      statusMessage={errors.join('; ') || undefined}
    >
      {(innerWidth: number, innerHeight: number) => {
        let drawn: Drawn | undefined;
        if (data && !errors.length) {
          drawn = draw(panel, plugin, data, innerWidth, innerHeight, theme);
        }
        return (
          <div
            data-testid="harness-dashboard-panel"
            data-title={panel.title ?? ''}
            data-type={panel.type}
            data-state={errors.length ? 'Error' : drawn ? 'Done' : 'Loading'}
            data-values={drawn?.values ?? 0}
            data-error={errors.join('; ')}
            style={{ width: innerWidth, height: innerHeight }}
          >
            <PanelErrorBoundary>{drawn?.node}</PanelErrorBoundary>
          </div>
        );
      }}
    </ui.PanelChrome>
  );
}

const BUILT_IN = new Set(['timeseries', 'stat', 'gauge', 'bargauge', 'table']);

function noData(theme: GrafanaTheme2): Drawn {
  return {
    node: (
      <div style={{ display: 'grid', placeItems: 'center', height: '100%', color: theme.colors.text.secondary }}>
        No data
      </div>
    ),
    values: 0,
  };
}

function draw(
  panel: DashboardPanelJson,
  plugin: PanelPlugin<any, any> | undefined,
  data: PanelData,
  width: number,
  height: number,
  theme: GrafanaTheme2
): Drawn {
  const replace = (v: string, scoped?: any, format?: any) => getTemplateSrv().replace(v, scoped, format);
  const options = panel.options ?? {};
  if (!BUILT_IN.has(panel.type)) {
    if (!plugin) {
      return { node: null, values: 0 };
    }
    return {
      node: (
        <PluginPanel
          plugin={plugin}
          data={data}
          options={options}
          width={width}
          height={height}
          title={panel.title ?? ''}
        />
      ),
      values: data.series.length,
    };
  }
  const fieldConfig = panelFieldConfig(panel.type, panel.fieldConfig);
  const frames = applyFieldConfig(data.series, fieldConfig, theme, replace);
  switch (panel.type) {
    case 'timeseries':
      return timeSeries(frames, options, data.timeRange, width, height, theme);
    case 'table': {
      const frame = frames[options.frameIndex ?? 0];
      if (!frame || frame.length === 0) {
        return noData(theme);
      }
      return { node: <ui.Table data={frame} width={width} height={height} />, values: frame.length };
    }
    default:
      return singleValues(panel.type, frames, fieldConfig, options, width, height, theme, replace);
  }
}

function timeSeries(
  frames: DataFrame[],
  options: Record<string, any>,
  timeRange: TimeRange,
  width: number,
  height: number,
  theme: GrafanaTheme2
): Drawn {
  const drawable = frames.filter((f) => f.length > 0 && f.fields.some((x) => x.type === 'number'));
  const values = drawable.reduce(
    (n, f) => n + f.fields.filter((x) => x.type === 'number' && x.values.some((v) => v !== null)).length,
    0
  );
  if (values === 0) {
    return noData(theme);
  }
  return {
    node: (
      <ui.TimeSeries
        frames={drawable}
        width={width}
        height={height}
        timeRange={timeRange}
        timeZone="browser"
        legend={options.legend ?? { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] }}
        options={options}
      />
    ),
    values,
  };
}

/** stat, gauge and bargauge: one visualisation per reduced value, side by side or stacked. */
function singleValues(
  type: string,
  frames: DataFrame[],
  fieldConfig: FieldConfigSource,
  options: Record<string, any>,
  width: number,
  height: number,
  theme: GrafanaTheme2,
  replaceVariables: (v: string) => string
): Drawn {
  const shown: FieldDisplay[] = getFieldDisplayValues({
    data: frames,
    reduceOptions: options.reduceOptions ?? { calcs: ['lastNotNull'] },
    fieldConfig,
    replaceVariables,
    theme,
    timeZone: 'browser',
  }).filter((v) => !Number.isNaN(v.display.numeric));
  if (shown.length === 0) {
    return noData(theme);
  }
  // "auto" stacks bar gauges; the others go side by side, in rows when they would be
  // narrower than the panel's minimum width (75 px, as Grafana's stat and gauge).
  const gap = 8;
  const vertical =
    options.orientation === 'horizontal'
      ? type === 'bargauge'
      : options.orientation === 'vertical' || type === 'bargauge';
  const minWidth = options.minVizWidth ?? 75;
  const columns = vertical ? 1 : Math.max(1, Math.min(shown.length, Math.floor((width + gap) / (minWidth + gap))));
  const rows = Math.ceil(shown.length / columns);
  const w = (width - gap * (columns - 1)) / columns;
  const h = (height - gap * (rows - 1)) / rows;
  return {
    node: (
      <div style={{ display: 'grid', gridTemplateColumns: `repeat(${columns}, ${w}px)`, gap, width, height }}>
        {shown.map((v, i) => {
          const field = v.field;
          let node: React.ReactNode;
          if (type === 'stat') {
            node = (
              <ui.BigValue
                value={v.display}
                theme={theme}
                width={w}
                height={h}
                colorMode={options.colorMode ?? 'value'}
                graphMode={options.graphMode ?? 'none'}
                justifyMode={options.justifyMode ?? 'auto'}
                textMode={options.textMode ?? 'auto'}
                text={options.text}
              />
            );
          } else {
            node = (
              <ui.BarGauge
                value={v.display}
                field={field}
                display={v.colIndex === undefined ? undefined : v.view?.getFieldDisplayProcessor(v.colIndex)}
                theme={theme}
                width={w}
                height={h}
                orientation={type === 'gauge' ? VizOrientation.Vertical : VizOrientation.Horizontal}
                displayMode={options.displayMode ?? (type === 'gauge' ? 'basic' : 'gradient')}
                showUnfilled={options.showUnfilled ?? true}
                valueDisplayMode={options.valueMode}
                namePlacement={options.namePlacement}
                text={options.text}
              />
            );
          }
          return (
            <div key={i} data-testid="harness-dashboard-value" data-name={v.display.title ?? ''}>
              {node}
            </div>
          );
        })}
      </div>
    ),
    values: shown.length,
  };
}

/** A visualisation that throws shows its error in the panel, as Grafana's panels do. */
class PanelErrorBoundary extends Component<{ children: ReactNode }, { error?: string }> {
  state: { error?: string } = {};
  static getDerivedStateFromError(e: unknown) {
    return { error: String((e as Error)?.message ?? e) };
  }
  render() {
    if (this.state.error) {
      return (
        <div data-testid="harness-dashboard-panel-error" style={{ padding: 8 }}>
          {this.state.error}
        </div>
      );
    }
    return this.props.children;
  }
}

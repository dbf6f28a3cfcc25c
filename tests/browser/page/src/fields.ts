// A panel's field config applied to its frames as Grafana's panels get them: the panel's
// defaults fill what the datasource left unset, each field gets its display processor
// (unit, decimals, thresholds, colour) and its series index for the palette.
//
// Grafana registers the field config options from its own (AGPL) code; the harness names the
// options its dashboards set, and the defaults of the panel types it draws, itself.
import {
  applyFieldOverrides,
  DataFrame,
  FieldConfigOptionsRegistry,
  FieldConfigPropertyItem,
  FieldConfigSource,
  GrafanaTheme2,
  InterpolateFunction,
} from '@grafana/data';

const STANDARD = [
  'unit',
  'decimals',
  'min',
  'max',
  'thresholds',
  'color',
  'displayName',
  'noValue',
  'links',
  'mappings',
];

/** What each built-in panel type sets when a dashboard does not: Grafana's documented defaults. */
const TYPE_DEFAULTS: Record<string, Partial<FieldConfigSource['defaults']>> = {
  timeseries: {
    color: { mode: 'palette-classic' } as any,
    custom: {
      drawStyle: 'line',
      lineInterpolation: 'linear',
      lineWidth: 1,
      fillOpacity: 0,
      gradientMode: 'none',
      showPoints: 'auto',
      pointSize: 5,
      spanNulls: false,
      axisPlacement: 'auto',
      axisColorMode: 'text',
      axisBorderShow: false,
      axisCenteredZero: false,
      scaleDistribution: { type: 'linear' },
      barAlignment: 0,
      stacking: { mode: 'none', group: 'A' },
      thresholdsStyle: { mode: 'off' },
      hideFrom: { legend: false, tooltip: false, viz: false },
    },
  },
  table: { custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: false } },
  stat: { color: { mode: 'thresholds' } as any },
  gauge: { color: { mode: 'thresholds' } as any },
  bargauge: { color: { mode: 'thresholds' } as any },
};

function item(id: string, isCustom: boolean): FieldConfigPropertyItem {
  return {
    id: isCustom ? `custom.${id}` : id,
    path: id,
    name: id,
    isCustom,
    process: (value: unknown) => value,
    shouldApply: () => true,
    override: () => null,
    editor: () => null,
  } as unknown as FieldConfigPropertyItem;
}

/** The panel's field config over its type's defaults (the dashboard's values win). */
export function panelFieldConfig(type: string, fieldConfig?: FieldConfigSource): FieldConfigSource {
  const base = TYPE_DEFAULTS[type] ?? {};
  const defaults = fieldConfig?.defaults ?? {};
  return {
    defaults: { ...base, ...defaults, custom: { ...(base.custom ?? {}), ...(defaults.custom ?? {}) } },
    overrides: fieldConfig?.overrides ?? [],
  };
}

export function applyFieldConfig(
  frames: DataFrame[],
  fieldConfig: FieldConfigSource,
  theme: GrafanaTheme2,
  replaceVariables: InterpolateFunction
): DataFrame[] {
  const custom = Object.keys(fieldConfig.defaults.custom ?? {});
  const registry = new FieldConfigOptionsRegistry(() => [
    ...STANDARD.map((id) => item(id, false)),
    ...custom.map((id) => item(id, true)),
  ]);
  return applyFieldOverrides({
    data: frames,
    fieldConfig,
    fieldConfigRegistry: registry,
    replaceVariables,
    theme,
    timeZone: 'browser',
  });
}

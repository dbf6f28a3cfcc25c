import { DataFrame, FieldConfig, formattedValueToString, getValueFormat, MappingType, Threshold } from '@grafana/data';

import { FRAMES } from './columns';

const STATUS = 'status';

/** The status each threshold colour stands for: the summary's status field maps them (the backend's one word on it). */
function statusByColour(summary: DataFrame): Map<string, string> {
  const out = new Map<string, string>();
  const config: FieldConfig = summary.fields.find((f) => f.name === STATUS)?.config ?? {};
  for (const mapping of config.mappings ?? []) {
    if (mapping.type === MappingType.ValueToText) {
      for (const [status, result] of Object.entries(mapping.options)) {
        if (result.color) {
          out.set(result.color, status);
        }
      }
    }
  }
  return out;
}

/** One field's status bands, for instance p95 latency: ok below 250 ms, warn from 250 ms, critical above 750 ms. */
export interface LegendEntry {
  field: string;
  bands: string[];
}

/**
 * The status bands of every field with thresholds, from the summary's field config: the statuses
 * by name, every band value through the field's one formatter.
 */
export function thresholdLegend(series: DataFrame[]): LegendEntry[] {
  const summary = series.find((f) => f.name === FRAMES.summary);
  if (!summary) {
    return [];
  }
  const statuses = statusByColour(summary);
  return summary.fields.flatMap((field) => {
    const config: FieldConfig = field.config ?? {};
    const steps: Threshold[] = config.thresholds?.steps ?? [];
    if (steps.length < 2) {
      return [];
    }
    const format = getValueFormat(config.unit ?? 'none');
    // A bound the backend moved just past a band's edge makes the edge exclusive (the
    // band starts above it, the one before ends on it): it reads as the edge, "above".
    const edge = (v: number) => Number(v.toPrecision(12));
    const exclusive = (v: number) => edge(v) !== v;
    const value = (v: number) => formattedValueToString(format(edge(v), config.decimals));
    const name = (s: Threshold) => statuses.get(s.color) ?? s.color;
    const bands = [
      `${name(steps[0])} ${exclusive(steps[1].value) ? 'up to' : 'below'} ${value(steps[1].value)}`,
      ...steps.slice(1).map((s) => `${name(s)} ${exclusive(s.value) ? 'above' : 'from'} ${value(s.value)}`),
    ];
    return [{ field: field.name, bands }];
  });
}

import { DataFrame, Field, FieldConfig, formattedValueToString, getValueFormat } from '@grafana/data';

import { COLUMNS, FRAMES } from './names';
import { StatusStep, statusByColour, statusSteps } from './thresholds';

/**
 * Its name in the legend: services are judged by the workers of each of their pools, and
 * the summary's "active workers" is a service's total, which no band judges.
 */
const WORKERS_PER_POOL = 'active workers per pool';

/** One field's status bands, for instance p95 latency: ok below 250 ms, warn from 250 ms, critical above 750 ms. */
export interface LegendEntry {
  field: string;
  bands: string[];
}

/**
 * The status bands of every field with thresholds, from the summary's field config, then the
 * active workers band, which judges each pool, from the worst frame's per-pool workers: the
 * statuses by name, every band value through the field's one formatter.
 */
export function thresholdLegend(series: DataFrame[]): LegendEntry[] {
  const summary = series.find((f) => f.name === FRAMES.summary);
  if (!summary) {
    return [];
  }
  const statuses = statusByColour(summary);
  const entries = summary.fields.flatMap((field) => entry(field.name, field, statusSteps(field, statuses)));
  const worst = series.find((f) => f.name === FRAMES.worst);
  const workers = worst?.fields.find((f) => f.name === COLUMNS.worstWorkers);
  if (worst && workers) {
    entries.push(...entry(WORKERS_PER_POOL, workers, statusSteps(workers, statusByColour(worst))));
  }
  return entries;
}

function entry(name: string, field: Field, steps: StatusStep[]): LegendEntry[] {
  if (steps.length < 2) {
    return [];
  }
  const config: FieldConfig = field.config ?? {};
  const format = getValueFormat(config.unit ?? 'none');
  // A bound the backend moved just past a band's edge makes the edge exclusive (the
  // band starts above it, the one before ends on it): it reads as the edge, "above".
  const edge = (v: number) => Number(v.toPrecision(12));
  const exclusive = (v: number) => edge(v) !== v;
  const value = (v: number) => formattedValueToString(format(edge(v), config.decimals));
  const status = (s: StatusStep) => s.status ?? s.colour;
  const bands = [
    `${status(steps[0])} ${exclusive(steps[1].value) ? 'up to' : 'below'} ${value(steps[1].value)}`,
    ...steps.slice(1).map((s) => `${status(s)} ${exclusive(s.value) ? 'above' : 'from'} ${value(s.value)}`),
  ];
  return [{ field: name, bands }];
}

import { DataFrame, FieldConfig, formattedValueToString, getValueFormat } from '@grafana/data';

import { FRAMES } from './columns';

/** "p95 latency: warn from 100 ms, critical from 500 ms", from the summary's field config. */
export function thresholdLegend(series: DataFrame[]): string[] {
  const summary = series.find((f) => f.name === FRAMES.summary);
  if (!summary) {
    return [];
  }
  return summary.fields.flatMap((field) => {
    const config: FieldConfig = field.config ?? {};
    const steps = config.thresholds?.steps ?? [];
    if (steps.length < 2) {
      return [];
    }
    const format = getValueFormat(config.unit ?? 'none');
    const bands = steps
      .slice(1)
      .map((s) => `${s.color} from ${formattedValueToString(format(s.value, config.decimals))}`)
      .join(', ');
    return [`${field.name}: ${bands}`];
  });
}

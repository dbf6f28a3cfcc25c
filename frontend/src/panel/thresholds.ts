// The one reading of the backend's threshold steps (field config), for the thresholds
// legend (legend.ts) and for the renderer, which colours values by them (columns.ts).
import { DataFrame, Field, FieldConfig, MappingType, Threshold } from '@grafana/data';

import { COLUMNS } from './names';

/** One threshold step: where it starts (the first, from minus infinity), its colour, and the status it stands for. */
export interface StatusStep {
  value: number;
  colour: string;
  /** The status the colour stands for (the frame's status field maps them); none for a colour of the user's. */
  status?: string;
}

/** The status each threshold colour stands for: a frame's status field maps them (the backend's one word on it). */
export function statusByColour(frame: DataFrame): Map<string, string> {
  const out = new Map<string, string>();
  const config: FieldConfig = frame.fields.find((f) => f.name === COLUMNS.status)?.config ?? {};
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

/** A field's threshold steps, each with its status; none unless there are two or more (a band). */
export function statusSteps(field: Field, statuses: Map<string, string>): StatusStep[] {
  const steps: Threshold[] = field.config?.thresholds?.steps ?? [];
  if (steps.length < 2) {
    return [];
  }
  return steps.map((s) => ({ value: s.value, colour: s.color, status: statuses.get(s.color) }));
}

/**
 * The steps as the renderer takes them (its `setSteps`): the bounds of every step after the
 * first, ascending, and every step's status separated by spaces; none when a colour stands
 * for no status or the bounds are not ascending numbers (the renderer then judges the field
 * by its default band).
 */
export function rendererSteps(steps: StatusStep[]): { bounds: Float64Array; statuses: string } | undefined {
  const bounds = Float64Array.from(steps.slice(1), (s) => s.value);
  const ascending = bounds.every((b, i) => !Number.isNaN(b) && (i === 0 || bounds[i - 1] <= b));
  if (steps.length < 2 || !ascending || steps.some((s) => s.status === undefined)) {
    return undefined;
  }
  return { bounds, statuses: steps.map((s) => s.status).join(' ') };
}

import { FieldType, MappingType, ThresholdsMode, toDataFrame } from '@grafana/data';

import { thresholdLegend } from './legend';

// The status field's value mappings, as the backend writes them (crates/plugin's status_config).
const statusField = {
  name: 'status',
  type: FieldType.string,
  values: ['critical'],
  config: {
    mappings: [
      {
        type: MappingType.ValueToText,
        options: {
          ok: { color: 'green', index: 0 },
          warn: { color: 'orange', index: 1 },
          critical: { color: 'red', index: 2 },
        },
      },
    ],
  },
};

const steps = (...s: Array<[number, string]>) => ({
  mode: ThresholdsMode.Absolute,
  steps: s.map(([value, color]) => ({ value, color })),
});

describe('thresholds legend', () => {
  it('names the statuses and writes every band value with the field’s one formatter, its edge inclusive or not', () => {
    const summary = toDataFrame({
      name: 'ecosystemSummary',
      fields: [
        { name: 'service', type: FieldType.string, values: ['akosha'] },
        statusField,
        {
          name: 'p95 latency',
          type: FieldType.number,
          values: [0.2],
          // The critical bound as the backend writes it: just past the band's edge.
          config: { unit: 's', thresholds: steps([-Infinity, 'green'], [0.25, 'orange'], [0.75000000000001, 'red']) },
        },
        {
          name: 'tool success %',
          type: FieldType.number,
          values: [97],
          config: {
            unit: 'percent',
            thresholds: steps([-Infinity, 'red'], [90, 'orange'], [95.00000000000001, 'green']),
          },
        },
      ],
    });
    expect(thresholdLegend([summary])).toEqual([
      // 750 ms itself is warn, 95 % itself warn: the bound just past the edge reads "above".
      { field: 'p95 latency', bands: ['ok below 250 ms', 'warn from 250 ms', 'critical above 750 ms'] },
      { field: 'tool success %', bands: ['critical below 90%', 'warn from 90%', 'ok above 95%'] },
    ]);
  });

  it('keeps a colour no status is mapped to (a threshold override of the user’s)', () => {
    const summary = toDataFrame({
      name: 'ecosystemSummary',
      fields: [
        statusField,
        {
          name: 'CPU %',
          type: FieldType.number,
          values: [5],
          config: { thresholds: steps([-Infinity, 'green'], [70, 'purple']) },
        },
      ],
    });
    expect(thresholdLegend([summary])).toEqual([{ field: 'CPU %', bands: ['ok below 70', 'purple from 70'] }]);
  });

  it('is empty without a summary or thresholds', () => {
    expect(thresholdLegend([])).toEqual([]);
    expect(thresholdLegend([toDataFrame({ name: 'ecosystemSummary', fields: [] })])).toEqual([]);
  });
});

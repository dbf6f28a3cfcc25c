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

  it('lists the active workers band, which judges each pool, from the worst frame’s per-pool workers', () => {
    const summary = toDataFrame({
      name: 'ecosystemSummary',
      fields: [
        statusField,
        // A service's total over its pools: no band judges it.
        { name: 'active workers', type: FieldType.number, values: [9] },
      ],
    });
    const worst = (critical: number, warn: number) =>
      toDataFrame({
        name: 'worst',
        fields: [
          { name: 'kind', type: FieldType.string, values: ['pool'] },
          {
            name: 'success %',
            type: FieldType.number,
            values: [null],
            config: {
              unit: 'percent',
              thresholds: steps([-Infinity, 'red'], [90, 'orange'], [95.00000000000001, 'green']),
            },
          },
          {
            name: 'active workers',
            type: FieldType.number,
            values: [1],
            // As the backend writes an inverted band: ok just past the warn bound.
            config: {
              unit: 'none',
              thresholds: steps([-Infinity, 'red'], [critical, 'orange'], [warn + warn * 2e-16, 'green']),
            },
          },
          statusField,
        ],
      });
    expect(thresholdLegend([summary, worst(1, 2)])).toEqual([
      { field: 'active workers per pool', bands: ['critical below 1', 'warn from 1', 'ok above 2'] },
    ]);
    // A datasource's override.
    expect(thresholdLegend([summary, worst(2, 4)])).toEqual([
      { field: 'active workers per pool', bands: ['critical below 2', 'warn from 2', 'ok above 4'] },
    ]);
  });
});

import { FieldType, ThresholdsMode, toDataFrame } from '@grafana/data';

import { thresholdLegend } from './legend';

describe('thresholds legend', () => {
  it("lists each summary column's bands in its unit, the datasource's overrides as the backend set them", () => {
    const summary = toDataFrame({
      name: 'ecosystemSummary',
      fields: [
        { name: 'service', type: FieldType.string, values: ['akosha'] },
        {
          name: 'p95 latency',
          type: FieldType.number,
          values: [0.2],
          config: {
            unit: 's',
            thresholds: {
              mode: ThresholdsMode.Absolute,
              steps: [
                { value: -Infinity, color: 'green' },
                { value: 0.25, color: 'orange' },
                { value: 0.75, color: 'red' },
              ],
            },
          },
        },
      ],
    });
    expect(thresholdLegend([summary])).toEqual(['p95 latency: orange from 250 ms, red from 750 ms']);
  });

  it('is empty without a summary or thresholds', () => {
    expect(thresholdLegend([])).toEqual([]);
    expect(thresholdLegend([toDataFrame({ name: 'ecosystemSummary', fields: [] })])).toEqual([]);
  });
});

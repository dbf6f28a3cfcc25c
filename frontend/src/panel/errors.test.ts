import { DataQueryRequest, FieldType, LoadingState, toDataFrame } from '@grafana/data';

import { queryFailures } from './errors';

const summary = toDataFrame({
  name: 'ecosystemSummary',
  fields: [{ name: 'service', type: FieldType.string, values: [] }],
});
const request = {
  targets: [
    { refId: 'A', queryType: 'ecosystemSummary' },
    { refId: 'C', queryType: 'exemplars' },
  ],
} as DataQueryRequest;

describe("the panel's words on failed queries", () => {
  it('with the summary there, a notice per failed query, named by refId and type, in the datasource’s words', () => {
    const failures = queryFailures({
      state: LoadingState.Error,
      series: [summary],
      errors: [
        { refId: 'C', message: 'limit: -1 is not a positive integer' },
        { refId: 'D', data: { message: 'bad gateway' } },
        { message: 'the request timed out' },
      ],
      request,
    });
    expect(failures).toEqual({
      notices: [
        'Query C (exemplars) failed: limit: -1 is not a positive integer',
        'Query D failed: bad gateway',
        'A query failed: the request timed out',
      ],
    });
  });

  it("without the summary, the errors are the panel's message", () => {
    const errors = [{ refId: 'A', message: 'rateWindow: "fortnight" is not a Prometheus duration' }];
    expect(queryFailures({ state: LoadingState.Error, series: [], errors, request })).toEqual({
      message: 'query A (ecosystemSummary) failed: rateWindow: "fortnight" is not a Prometheus duration',
      notices: [],
    });
    expect(queryFailures({ state: LoadingState.Error, series: [] })).toEqual({
      message: 'the query failed',
      notices: [],
    });
  });

  it('says nothing when every query answered', () => {
    expect(queryFailures({ state: LoadingState.Done, series: [summary], errors: [] })).toEqual({ notices: [] });
    expect(queryFailures({ state: LoadingState.Done, series: [] })).toEqual({ notices: [] });
  });
});

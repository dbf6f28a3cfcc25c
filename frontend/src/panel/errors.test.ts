import {
  DataFrameJSON,
  DataQueryRequest,
  DataTopic,
  dataFrameFromJSON,
  FieldType,
  LoadingState,
  toDataFrame,
} from '@grafana/data';

import { Column, ColumnFrame, numbersOf, panelAnswer, toColumns } from './columns';
import { queryFailures } from './errors';
import { DEFAULT_OPTIONS } from './types';

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
      title: "3 of the panel's queries failed",
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

/**
 * A series as the plugin answers a time series query (crates/plugin/src/queries/timeseries.rs):
 * a `timeseries-multi` frame named by its legend, Time and Value, the labels on the value.
 */
function series(refId: string, name: string, labels: Record<string, string>, unit: string): DataFrameJSON {
  return {
    schema: {
      name,
      refId,
      meta: { type: 'timeseries-multi', typeVersion: [0, 1], executedQueryString: 'Expr: x\nStep: 15s' } as never,
      fields: [
        { name: 'Time', type: FieldType.time, config: { interval: 15000 } },
        { name: 'Value', type: FieldType.number, labels, config: { unit, displayNameFromDS: name } },
      ],
    },
    data: {
      values: [
        [1700000000000, 1700000015000],
        [3, 0],
      ],
    },
  };
}

/** A table as the plugin answers it (crates/plugin/src/queries/table.rs): a frame named by its query type. */
function table(name: string, refId: string, fields: Array<[string, FieldType, unknown[]]>): DataFrameJSON {
  return {
    schema: { name, refId, fields: fields.map(([n, type]) => ({ name: n, type })) },
    data: { values: fields.map(([, , values]) => values) },
  };
}

/** A text column's rows. */
const decodeTexts = (c: { text: string; ends: Uint32Array }) =>
  Array.from(c.ends, (end, i) => c.text.slice(i === 0 ? 0 : c.ends[i - 1], end));

/** The frames of a panel's answer as Grafana decodes the plugin's, each with its query's refId. */
const decoded = (frames: DataFrameJSON[]) => frames.map((f) => dataFrameFromJSON(f));

describe('a query whose table the panel reads, answering time series', () => {
  const summaryJSON = table('ecosystemSummary', 'A', [
    ['service', FieldType.string, ['mahavishnu']],
    ['status', FieldType.string, ['ok']],
  ]);
  const targets = [
    { refId: 'A', queryType: 'ecosystemSummary' },
    { refId: 'B', queryType: 'requestLatency' },
    { refId: 'C', queryType: 'poolCapacity' },
    { refId: 'D', queryType: 'toolHealth', format: 'timeseries', exemplars: true },
  ];
  const answer = (frames: DataFrameJSON[], annotations: DataFrameJSON[] = []) => ({
    state: LoadingState.Done,
    series: decoded(frames),
    annotations: decoded(annotations),
    request: { targets } as unknown as DataQueryRequest,
  });
  const latency = series('B', 'mahavishnu p95', { job: 'mahavishnu', percentile: '95' }, 's');
  const pools = [
    series('C', 'mahavishnu gpu', { job: 'mahavishnu', pool_type: 'gpu' }, 'none'),
    series('C', 'mahavishnu io', { job: 'mahavishnu', pool_type: 'io' }, 'none'),
  ];
  const tools = series('D', 'mahavishnu deploy', { job: 'mahavishnu', tool_name: 'deploy' }, 'percent');
  // toolHealth's exemplars, beside its lines: Grafana hands them over among the annotations.
  const toolExemplars: DataFrameJSON = {
    schema: {
      name: 'exemplar',
      refId: 'D',
      meta: { dataTopic: DataTopic.Annotations, custom: { resultType: 'exemplar' } },
      fields: [
        { name: 'Time', type: FieldType.time },
        { name: 'Value', type: FieldType.number },
        { name: 'trace_id', type: FieldType.string },
      ],
    },
    data: { values: [[1700000000000], [0.4], ['abc']] },
  };

  it('names each such query by refId and type, and says to set its format to Table', () => {
    const failures = queryFailures(answer([summaryJSON, latency, ...pools, tools], [toolExemplars]));
    expect(failures).toEqual({
      notices: [
        'Query C (poolCapacity) returns time series: set its format to Table for the pools section',
        'Query D (toolHealth) returns time series: set its format to Table for the tools section',
      ],
      title: "2 of the panel's queries need a look",
    });
    const one = queryFailures(answer([summaryJSON, ...pools]));
    expect(one.title).toBe('Query C (poolCapacity) returns time series: set its format to Table for the pools section');
  });

  it('leaves their series out of the latency strip, and keeps their exemplars and the latency lines', () => {
    const frames = panelAnswer(answer([summaryJSON, latency, ...pools, tools], [toolExemplars])).frames;
    expect(frames.map((f) => [f.refId, f.name])).toEqual([
      ['A', 'ecosystemSummary'],
      ['B', 'mahavishnu p95'],
      ['D', 'exemplar'],
    ]);
    expect(toColumns(frames, DEFAULT_OPTIONS).map((f) => f.name)).toEqual([
      'ecosystemSummary',
      'mahavishnu p95',
      'exemplar',
    ]);
  });

  it('says nothing of a table answer; an empty time series answer gets the notice, a failed query its failure', () => {
    const pools = table('poolCapacity', 'C', [
      ['service', FieldType.string, ['mahavishnu']],
      ['pool', FieldType.string, ['gpu']],
      ['workers', FieldType.number, [3]],
    ]);
    expect(queryFailures(answer([summaryJSON, pools]))).toEqual({ notices: [] });
    expect(panelAnswer(answer([summaryJSON, pools])).frames.map((f) => f.name)).toEqual([
      'ecosystemSummary',
      'poolCapacity',
    ]);
    // A time series query that matched nothing answers one empty frame: still time series.
    const empty: DataFrameJSON = {
      schema: {
        name: '',
        refId: 'C',
        fields: [
          { name: 'Time', type: FieldType.time },
          { name: 'Value', type: FieldType.number },
        ],
      },
      data: { values: [[], []] },
    };
    expect(queryFailures(answer([summaryJSON, empty])).notices).toEqual([
      'Query C (poolCapacity) returns time series: set its format to Table for the pools section',
    ]);
    const failed = { ...answer([summaryJSON]), errors: [{ refId: 'C', message: 'bad gateway' }] };
    expect(queryFailures(failed).notices).toEqual(['Query C (poolCapacity) failed: bad gateway']);
  });
});

describe('two ecosystemSummary answers (a Mixed panel over two MCP datasources)', () => {
  const summaryOf = (refId: string, services: string[], statuses: string[], p95: number[]) =>
    table('ecosystemSummary', refId, [
      ['service', FieldType.string, services],
      ['status', FieldType.string, statuses],
      ['p95 latency', FieldType.number, p95],
    ]);
  const worstOf = (refId: string, rows: Array<[string, string, string]>) =>
    table('worst', refId, [
      ['kind', FieldType.string, rows.map((r) => r[0])],
      ['service', FieldType.string, rows.map((r) => r[1])],
      ['tool or pool', FieldType.string, rows.map((r) => r[2])],
    ]);
  const frames = decoded([
    summaryOf('A', ['mahavishnu', 'akosha'], ['ok', 'warn'], [0.05, 0.3]),
    worstOf('A', [['tool', 'akosha', 'search']]),
    summaryOf('B', ['crackerjack', 'akosha', 'session-buddy'], ['ok', 'ok', 'critical'], [0.01, 0.02, 0.9]),
    worstOf('B', [
      ['tool', 'akosha', 'search'],
      ['pool', 'session-buddy', 'io'],
    ]),
  ]);
  const data = {
    state: LoadingState.Done,
    series: frames,
    request: {
      targets: [
        { refId: 'A', queryType: 'ecosystemSummary' },
        { refId: 'B', queryType: 'ecosystemSummary' },
      ],
    } as DataQueryRequest,
  };
  const texts = (c: Column | undefined) => (c?.kind === 'texts' ? decodeTexts(c) : c);

  it('draws the services of both, sorted together, a service named twice once from the first', () => {
    const out = toColumns(panelAnswer(data).frames, DEFAULT_OPTIONS);
    expect(out.map((f) => f.name)).toEqual(['ecosystemSummary', 'worst']);
    const [summary, worst] = out;
    const column = (f: ColumnFrame, name: string) => f.columns.find((c) => c.name === name);
    expect(texts(column(summary, 'service'))).toEqual(['session-buddy', 'akosha', 'crackerjack', 'mahavishnu']);
    expect(texts(column(summary, 'status'))).toEqual(['critical', 'warn', 'ok', 'ok']);
    const p95 = column(summary, 'p95 latency');
    expect(p95?.kind === 'numbers' && Array.from(numbersOf(p95))).toEqual([0.9, 0.3, 0.01, 0.05]);
    // akosha's worst rows from the first answer only.
    expect(texts(column(worst, 'service'))).toEqual(['akosha', 'session-buddy']);
    expect(texts(column(worst, 'tool or pool'))).toEqual(['search', 'io']);
  });

  it('pairs each worst frame with the summary before it, whatever their refIds', () => {
    const noRefId = decoded([
      summaryOf('', ['a', 'b'], ['ok', 'warn'], [0.1, 0.2]),
      worstOf('', [['tool', 'b', 'first']]),
      summaryOf('', ['b', 'c'], ['ok', 'ok'], [0.1, 0.1]),
      worstOf('', [
        ['tool', 'b', 'second'],
        ['tool', 'c', 'third'],
      ]),
    ]).map(({ refId, ...frame }) => frame);
    const out = toColumns(panelAnswer({ series: noRefId }).frames, DEFAULT_OPTIONS);
    const worst = out.find((f) => f.name === 'worst');
    const column = (f: ColumnFrame | undefined, name: string) => f?.columns.find((c) => c.name === name);
    // b's worst rows from the first answer, c's from the second.
    expect(texts(column(worst, 'tool or pool'))).toEqual(['first', 'third']);
    expect(queryFailures({ state: LoadingState.Done, series: noRefId }).notices).toEqual([
      'Answered by more than one ecosystemSummary query, drawn once from the first: b',
    ]);
  });

  it('names the services answered twice in a notice, the first three and how many more', () => {
    expect(queryFailures(data)).toEqual({
      notices: ['Answered by more than one ecosystemSummary query, drawn once from the first: akosha'],
      title: 'Answered by more than one ecosystemSummary query, drawn once from the first: akosha',
    });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const twice = { ...data, series: decoded([summaryOf('A', names, [], []), summaryOf('B', names, [], [])]) };
    expect(queryFailures(twice).notices).toEqual([
      'Answered by more than one ecosystemSummary query, drawn once from the first: a, b, c and 2 more',
    ]);
    expect(toColumns(panelAnswer(twice).frames, DEFAULT_OPTIONS).map((f) => texts(f.columns[0]))).toEqual([names]);
  });

  it('draws a service one answer names twice from its first row, and says so, not that two queries did', () => {
    const once = {
      state: LoadingState.Done,
      series: decoded([summaryOf('A', ['a', 'b', 'a'], ['warn', 'ok', 'critical'], [0.2, 0.1, 0.9])]),
    };
    const [summary] = toColumns(panelAnswer(once).frames, DEFAULT_OPTIONS);
    expect(texts(summary.columns.find((c) => c.name === 'service'))).toEqual(['a', 'b']);
    expect(texts(summary.columns.find((c) => c.name === 'status'))).toEqual(['warn', 'ok']);
    expect(queryFailures(once).notices).toEqual([
      'Named twice in one ecosystemSummary answer, drawn once from its first row: a',
    ]);
    // Twice in the first answer and again in a second: named once, as the first saw it.
    const both = {
      state: LoadingState.Done,
      series: decoded([summaryOf('A', ['a', 'a'], [], []), summaryOf('B', ['a', 'c'], [], [])]),
    };
    expect(queryFailures(both).notices).toEqual([
      'Named twice in one ecosystemSummary answer, drawn once from its first row: a',
    ]);
  });
});

describe('two toolHealth and two poolCapacity tables (a Mixed panel over two MCP datasources)', () => {
  const summary = table('ecosystemSummary', 'A', [['service', FieldType.string, ['mahavishnu', 'akosha']]]);
  const toolsOf = (refId: string, rows: Array<[string, string, number]>) =>
    table('toolHealth', refId, [
      ['service', FieldType.string, rows.map((r) => r[0])],
      ['tool', FieldType.string, rows.map((r) => r[1])],
      ['success %', FieldType.number, rows.map((r) => r[2])],
    ]);
  const poolsOf = (refId: string, rows: Array<[string, string, number]>) =>
    table('poolCapacity', refId, [
      ['service', FieldType.string, rows.map((r) => r[0])],
      ['pool', FieldType.string, rows.map((r) => r[1])],
      ['workers', FieldType.number, rows.map((r) => r[2])],
    ]);
  const data = {
    state: LoadingState.Done,
    series: decoded([
      summary,
      toolsOf('B', [['mahavishnu', 'deploy', 90]]),
      poolsOf('C', [['mahavishnu', 'io', 0]]),
      toolsOf('D', [
        ['akosha', 'search', 99],
        ['mahavishnu', 'deploy', 100],
      ]),
      poolsOf('E', [
        ['akosha', 'io', 4],
        ['mahavishnu', 'io', 2],
      ]),
    ]),
  };
  const texts = (c: Column | undefined) => (c?.kind === 'texts' ? decodeTexts(c) : c);

  it('hands each over as one table, a tool or pool named twice once, from the first', () => {
    const out = toColumns(panelAnswer(data).frames, DEFAULT_OPTIONS);
    expect(out.map((f) => f.name)).toEqual(['ecosystemSummary', 'toolHealth', 'poolCapacity']);
    const [, tools, pools] = out;
    const column = (f: ColumnFrame, name: string) => f.columns.find((c) => c.name === name);
    expect(texts(column(tools, 'service'))).toEqual(['mahavishnu', 'akosha']);
    expect(texts(column(tools, 'tool'))).toEqual(['deploy', 'search']);
    const success = column(tools, 'success %');
    expect(success?.kind === 'numbers' && Array.from(numbersOf(success))).toEqual([90, 99]);
    expect(texts(column(pools, 'service'))).toEqual(['mahavishnu', 'akosha']);
    const workers = column(pools, 'workers');
    expect(workers?.kind === 'numbers' && Array.from(numbersOf(workers))).toEqual([0, 4]);
  });

  it('names the tools and pools answered twice in a notice, as their tooltips name them', () => {
    expect(queryFailures(data)).toEqual({
      notices: [
        'Answered by more than one toolHealth query, drawn once from the first: mahavishnu / deploy',
        'Answered by more than one poolCapacity query, drawn once from the first: mahavishnu / io pool',
      ],
      title: "2 of the panel's queries need a look",
    });
  });

  it('names the first three tools or pools answered twice and how many more, each once', () => {
    const rows: Array<[string, string, number]> = ['a', 'b', 'c', 'd', 'e'].map((t) => ['akosha', t, 100]);
    const thrice = {
      state: LoadingState.Done,
      series: decoded([summary, toolsOf('B', rows), toolsOf('C', rows), toolsOf('D', rows)]),
    };
    expect(queryFailures(thrice).notices).toEqual([
      'Answered by more than one toolHealth query, drawn once from the first: akosha / a, akosha / b, akosha / c and 2 more',
    ]);
    // The same pool name in two services is two pools.
    const two = {
      state: LoadingState.Done,
      series: decoded([summary, poolsOf('B', [['akosha', 'io', 1]]), poolsOf('C', [['crackerjack', 'io', 1]])]),
    };
    expect(queryFailures(two)).toEqual({ notices: [] });
  });

  it('draws a tool one table names twice once, from its first row, and says it was one answer', () => {
    const one = {
      state: LoadingState.Done,
      series: decoded([
        summary,
        toolsOf('B', [
          ['akosha', 'search', 99],
          ['akosha', 'search', 10],
          ['mahavishnu', 'deploy', 90],
        ]),
        toolsOf('C', [['mahavishnu', 'deploy', 100]]),
      ]),
    };
    const [, tools] = toColumns(panelAnswer(one).frames, DEFAULT_OPTIONS);
    expect(texts(tools.columns.find((c) => c.name === 'tool'))).toEqual(['search', 'deploy']);
    const success = tools.columns.find((c) => c.name === 'success %');
    expect(success?.kind === 'numbers' && Array.from(numbersOf(success))).toEqual([99, 90]);
    expect(queryFailures(one).notices).toEqual([
      'Answered by more than one toolHealth query, drawn once from the first: mahavishnu / deploy',
      'Named twice in one toolHealth answer, drawn once from its first row: akosha / search',
    ]);
  });

  it("merges in one walk: a kept row's values read once, its service and name once more, the notice's none again", () => {
    const reads = new Map<string, number>();
    // Each field's values counting the rows read from them.
    const counted = data.series.map((frame) => ({
      ...frame,
      fields: frame.fields.map((f) => {
        const key = `${frame.refId} ${f.name}`;
        const values = new Proxy(f.values as unknown[], {
          get: (target, p, receiver) => {
            if (typeof p === 'string' && /^\d+$/.test(p)) {
              reads.set(key, (reads.get(key) ?? 0) + 1);
            }
            return Reflect.get(target, p, receiver);
          },
        });
        return { ...f, values };
      }),
    }));
    const answer = panelAnswer({ series: counted });
    // D and E have two rows each, mahavishnu's drawn from B and C: its values are not copied.
    expect(Object.fromEntries(reads)).toEqual({
      'A service': 2,
      'B service': 2,
      'B tool': 2,
      'B success %': 1,
      'C service': 2,
      'C pool': 2,
      'C workers': 1,
      'D service': 3,
      'D tool': 3,
      'D success %': 1,
      'E service': 3,
      'E pool': 3,
      'E workers': 1,
    });
    reads.clear();
    expect(queryFailures({ state: LoadingState.Done, series: counted }, answer).notices).toHaveLength(2);
    expect(Object.fromEntries(reads)).toEqual({});
  });
});

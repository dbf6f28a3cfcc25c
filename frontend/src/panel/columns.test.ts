import {
  DataFrame,
  DataLink,
  DataTopic,
  dateTime,
  FieldType,
  GrafanaConfig,
  locationUtil,
  MappingType,
  ThresholdsMode,
  toDataFrame,
} from '@grafana/data';

import {
  ColumnSink,
  handOver,
  linkDestination,
  linkRange,
  rangeMs,
  linkTemplate,
  numbersOf,
  panelAnswer,
  summaryRows,
  tileLimit,
  textColumn,
  toColumns,
} from './columns';
import { DEFAULT_OPTIONS, PanelOptions } from './types';

const summary = () =>
  toDataFrame({
    name: 'ecosystemSummary',
    fields: [
      { name: 'service', type: FieldType.string, values: ['mahavishnu', 'akosha', 'session-buddy', 'crackerjack'] },
      { name: 'status', type: FieldType.string, values: ['ok', 'critical', 'warn', 'ok'] },
      { name: 'reasons', type: FieldType.string, values: ['', 'down', 'p95 620 ms, over 500 ms', ''] },
      { name: 'up', type: FieldType.number, values: [1, 0, 1, null] },
      { name: 'p95 latency', type: FieldType.number, values: [0.05, null, 0.62, 0.01] },
    ],
  });

const worst = () =>
  toDataFrame({
    name: 'worst',
    fields: [
      { name: 'service', type: FieldType.string, values: ['akosha', 'mahavishnu'] },
      { name: 'kind', type: FieldType.string, values: ['tool', 'pool'] },
      { name: 'tool or pool', type: FieldType.string, values: ['search', 'workers'] },
    ],
  });

const options = (o: Partial<PanelOptions> = {}): PanelOptions => ({ ...DEFAULT_OPTIONS, ...o });

const decode = (c: { text: string; ends: Uint32Array }) =>
  Array.from(c.ends, (end, i) => c.text.slice(i === 0 ? 0 : c.ends[i - 1], end));

describe('frames -> typed columns', () => {
  it('writes text as the rows joined, with their ends counted in UTF-16 code units', () => {
    const c = textColumn(['akosha', '', 'é-x', '😀']);
    expect(c.text).toBe('akoshaé-x😀');
    expect(Array.from(c.ends)).toEqual([6, 6, 9, 11]);
    expect(decode(c)).toEqual(['akosha', '', 'é-x', '😀']);
    expect(textColumn([])).toEqual({ text: '', ends: new Uint32Array(0) });
  });

  it('hands numbers over as Float64Array with NaN for nulls, text as one string with the ends of its rows', () => {
    const [frame] = toColumns([summary()], options({ sort: 'query' }));
    expect(frame.name).toBe('ecosystemSummary');
    const up = frame.columns.find((c) => c.name === 'up')!;
    expect(up.kind).toBe('numbers');
    expect(up.kind === 'numbers' && Array.from(numbersOf(up))).toEqual([1, 0, 1, NaN]);
    const service = frame.columns.find((c) => c.name === 'service')!;
    expect(service.kind === 'texts' && decode(service)).toEqual([
      'mahavishnu',
      'akosha',
      'session-buddy',
      'crackerjack',
    ]);
  });

  it('times become milliseconds and booleans 1 or 0', () => {
    const frame = toDataFrame({
      name: 'exemplar',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1700000000000, 1700000001000] },
        { name: 'ok', type: FieldType.boolean, values: [true, false] },
      ],
    });
    const [out] = toColumns([frame], options());
    expect(out.columns.map((c) => c.kind === 'numbers' && Array.from(numbersOf(c)))).toEqual([
      [1700000000000, 1700000001000],
      [1, 0],
    ]);
  });

  it('reads values of every kind and from an older vector, rows past the values as gaps', () => {
    const vector = (values: unknown[]) => ({
      length: values.length,
      get: (i: number) => values[i],
      toArray: () => values,
    });
    const frame = {
      name: 'toolHealth',
      length: 6,
      fields: [
        { name: 'v', type: FieldType.number, config: {}, values: [1.5, null, '2', ' ', new Date(3), undefined] },
        { name: 'w', type: FieldType.number, config: {}, values: vector([4, null, 5]) },
        { name: 't', type: FieldType.string, config: {}, values: vector(['a', null, 7, { x: 1 }]) },
      ],
    } as unknown as DataFrame;
    const [out] = toColumns([frame], options());
    const [v, w, t] = out.columns;
    expect(v.kind === 'numbers' && Array.from(numbersOf(v))).toEqual([1.5, NaN, 2, NaN, 3, NaN]);
    expect(w.kind === 'numbers' && Array.from(numbersOf(w))).toEqual([4, NaN, 5, NaN, NaN, NaN]);
    expect(t.kind === 'texts' && decode(t)).toEqual(['a', '', '7', '{"x":1}', '', '']);
  });

  it('copies typed arrays whole, as plain arrays are read: rows past their end gaps, chosen rows one by one', () => {
    const time = new Float64Array([1700000000000, 1700000015000, 1700000030000]);
    const frame = {
      name: 'latency',
      length: 4,
      fields: [
        { name: 'Time', type: FieldType.time, config: {}, values: time },
        { name: 'p95', type: FieldType.number, config: {}, values: new Float32Array([0.5, NaN, 0.25, 1, 2]) },
        { name: 'n', type: FieldType.number, config: {}, values: new Int32Array([7, -1, 3, 4]) },
      ],
    } as unknown as DataFrame;
    const [out] = toColumns([frame], options());
    // The buffer the renderer lends is not cleared: what was there before must not show.
    const written = out.columns.map((c) => {
      if (c.kind !== 'numbers') {
        return undefined;
      }
      const into = new Float64Array(c.length).fill(99);
      c.write(into);
      return Array.from(into);
    });
    expect(written).toEqual([
      [1700000000000, 1700000015000, 1700000030000, NaN],
      [0.5, NaN, 0.25, 1],
      [7, -1, 3, 4],
    ]);
    // The summary's rows are chosen and ordered: its typed array read row by row.
    const s = summary();
    s.fields[3].values = new Float64Array([1, 0, 1, NaN]) as unknown as number[];
    const [sorted] = toColumns([s], options({ sort: 'status' }));
    const names = sorted.columns.find((c) => c.name === 'service')!;
    const up = sorted.columns.find((c) => c.name === 'up')!;
    expect(names.kind === 'texts' && decode(names)).toEqual(['akosha', 'session-buddy', 'crackerjack', 'mahavishnu']);
    expect(up.kind === 'numbers' && Array.from(numbersOf(up))).toEqual([0, 1, NaN, 1]);
  });

  it('draws the exemplars Grafana hands over as annotations, and those of a table query among the series', () => {
    const exemplars = (topic?: DataTopic) =>
      toDataFrame({
        name: 'exemplar',
        meta: { dataTopic: topic, custom: { resultType: 'exemplar' } },
        fields: [
          { name: 'Time', type: FieldType.time, values: [1700000000000] },
          { name: 'Value', type: FieldType.number, values: [0.4] },
          { name: 'trace_id', type: FieldType.string, values: ['abc'] },
        ],
      });
    // A dashboard's own annotations (deployments, alerts) are not the panel's to draw.
    const deployments = toDataFrame({
      name: 'annotations',
      meta: { dataTopic: DataTopic.Annotations },
      fields: [{ name: 'time', type: FieldType.time, values: [1700000000000] }],
    });
    const drawn = (data: Parameters<typeof panelAnswer>[0]) =>
      toColumns(panelAnswer(data).frames, options()).map((f) => [f.name, f.columns.map((c) => c.name)]);
    const exemplarColumns = ['exemplar', ['Time', 'Value', 'trace_id']];
    expect(drawn({ series: [summary()], annotations: [deployments, exemplars(DataTopic.Annotations)] })).toEqual([
      ['ecosystemSummary', summary().fields.map((f) => f.name)],
      exemplarColumns,
    ]);
    expect(drawn({ series: [exemplars()] })).toEqual([exemplarColumns]);
    expect(drawn({ series: [], annotations: [exemplars(DataTopic.Annotations)] })).toEqual([exemplarColumns]);
    expect(
      toColumns(
        panelAnswer({ series: [], annotations: [exemplars(DataTopic.Annotations)] }).frames,
        options({ sections: ['tools'] })
      )
    ).toEqual([]);
  });

  it('sorts the service tiles worst first, then by name, and hands every one over', () => {
    expect(summaryRows(summary(), { sort: 'status' })).toEqual([1, 2, 3, 0]);
    expect(summaryRows(summary(), { sort: 'name' })).toEqual([1, 3, 0, 2]);
    expect(summaryRows(summary(), { sort: 'query' })).toEqual([0, 1, 2, 3]);
    // The maximum is the renderer's (it counts the services it does not draw).
    const [frame] = toColumns([summary()], options({ maxTiles: 1 }));
    const status = frame.columns.find((c) => c.name === 'status')!;
    expect(status.kind === 'texts' && decode(status)).toEqual(['critical', 'warn', 'ok', 'ok']);
  });

  it('reads the maximum of tiles as a whole number, 0 for all', () => {
    expect(tileLimit({ maxTiles: 12 })).toBe(12);
    expect(tileLimit({ maxTiles: 2.7 })).toBe(2);
    expect(tileLimit({ maxTiles: 0 })).toBe(0);
    expect(tileLimit({ maxTiles: -3 })).toBe(0);
    expect(tileLimit({ maxTiles: NaN })).toBe(0);
    expect(tileLimit({ maxTiles: '7' as unknown as number })).toBe(7);
    expect(tileLimit({ maxTiles: 1e12 })).toBe(0xffff_ffff);
  });

  it('leaves out the frames and rows of hidden sections, never the summary', () => {
    const latency = toDataFrame({
      name: 'akosha p95',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1] },
        { name: 'Value', type: FieldType.number, values: [0.2], labels: { job: 'akosha', percentile: '95' } },
      ],
    });
    const all = toColumns([summary(), worst(), latency], options());
    expect(all.map((f) => f.name)).toEqual(['ecosystemSummary', 'worst', 'akosha p95']);
    expect(all[2].columns[1].labels).toEqual([
      ['job', 'akosha'],
      ['percentile', '95'],
    ]);
    const some = toColumns([summary(), worst(), latency], options({ sections: ['tools'] }));
    expect(some.map((f) => f.name)).toEqual(['ecosystemSummary', 'worst']);
    const kind = some[1].columns.find((c) => c.name === 'kind')!;
    expect(kind.kind === 'texts' && decode(kind)).toEqual(['tool']);
  });

  describe('trace links', () => {
    const TEMPO = {
      title: 'trace',
      url: '',
      internal: { datasourceUid: 'tempo', datasourceName: 'Tempo', query: { query: '${__value.raw}' } },
    };
    /** An exemplar frame whose trace ids link as `link` says. */
    const traceIds = (link: DataLink) =>
      toDataFrame({
        name: 'exemplar',
        fields: [{ name: 'trace_id', type: FieldType.string, values: ['abc'], config: { links: [link] } }],
      });
    const panes = (url: string) =>
      JSON.parse(decodeURIComponent(url.split('panes=')[1].replace('${__value.raw}', 'abc')));
    const subPath = (appSubUrl: string) =>
      locationUtil.initialize({
        config: { appSubUrl } as GrafanaConfig,
        getTimeRangeForUrl: () => ({ from: 'now-6h', to: 'now' }),
        getVariablesUrlParams: () => ({}),
      });
    afterEach(() => subPath(''));

    it('keeps an external link as set and turns an internal one into its Explore URL', () => {
      const external = 'https://traces.example/trace/${__value.raw}';
      expect(linkTemplate(traceIds({ title: 'trace', url: external, targetBlank: true }).fields[0])).toBe(external);
      const url = linkTemplate(traceIds(TEMPO).fields[0])!;
      expect(url.startsWith('/explore?')).toBe(true);
      expect(url).toContain('${__value.raw}');
      expect(panes(url).trace.datasource).toBe('tempo');
      expect(panes(url).trace.queries[0].query).toBe('abc');
    });

    it("opens Explore under Grafana's sub-path, at the panel's time range", () => {
      subPath('/grafana');
      const from = dateTime(Date.UTC(2026, 10, 30, 20, 0, 0));
      const to = dateTime(Date.UTC(2026, 10, 30, 20, 15, 0));
      const range = linkRange({ from, to, raw: { from: 'now-15m', to: 'now' } });
      const [frame] = toColumns([traceIds(TEMPO)], options(), range);
      const url = frame.columns[0].link!;
      expect(url.startsWith('/grafana/explore?')).toBe(true);
      expect(panes(url).trace.range).toEqual({ from: String(from.valueOf()), to: String(to.valueOf()) });
      expect(panes(url).trace.queries[0].query).toBe('abc');
    });

    it("follows a drill-down link into Grafana in place, under Grafana's sub-path once", () => {
      subPath('/grafana');
      const here = window.location.origin;
      expect(linkDestination('service', '/grafana/d/mcp?var-service=a')).toEqual({ inPlace: '/d/mcp?var-service=a' });
      expect(linkDestination('service', '/d/mcp')).toEqual({ inPlace: '/d/mcp' });
      expect(linkDestination('service', 'd/mcp')).toEqual({ inPlace: '/d/mcp' });
      expect(linkDestination('service', '?var-service=a')).toEqual({ inPlace: '?var-service=a' });
      expect(linkDestination('service', `${here}/grafana/d/mcp`)).toEqual({ inPlace: '/d/mcp' });
      expect(linkDestination('service', 'https://wiki.example/mcp')).toEqual({ newTab: 'https://wiki.example/mcp' });
      expect(linkDestination('service', '//wiki.example/mcp')).toEqual({ newTab: '//wiki.example/mcp' });
      expect(linkDestination('exemplar', '/grafana/explore?x')).toEqual({ newTab: '/grafana/explore?x' });
      subPath('');
      expect(linkDestination('service', `${here}/d/mcp`)).toEqual({ inPlace: '/d/mcp' });
    });

    it('keeps an external link exactly as the datasource set it, under a sub-path too', () => {
      subPath('/grafana');
      const range = linkRange({ from: dateTime(0), to: dateTime(1), raw: { from: 'now-1m', to: 'now' } });
      for (const url of ['https://traces.example/trace/${__value.raw}', '/trace/${__value.raw}']) {
        const [frame] = toColumns([traceIds({ title: 'trace', url, targetBlank: true })], options(), range);
        expect(frame.columns[0].link).toBe(url);
      }
    });
  });

  it('hands every column to the renderer in order, then ends the frames', () => {
    const calls: string[] = [];
    let written = new Float64Array(0);
    const sink: ColumnSink = {
      beginFrames: () => calls.push('begin'),
      addFrame: (n) => calls.push(`frame ${n}`),
      numbersBuffer: (n) => (written = new Float64Array(n)),
      addWrittenNumbers: (n) => calls.push(`numbers ${n} ${Array.from(written).join(',')}`),
      addTexts: (n, t, e) => calls.push(`texts ${n} ${e.length} ${t.length}`),
      addKept: (n, rows) => calls.push(`kept ${n} ${rows.join(',')}`),
      addLabel: (k, v) => calls.push(`label ${k}=${v}`),
      setLink: (u) => calls.push(`link ${u}`),
      setSteps: (b, st) => calls.push(`steps ${Array.from(b).join(',')} ${st}`),
      setTimeRange: (from, to) => calls.push(`range ${from} ${to}`),
      endFrames: () => calls.push('end'),
    };
    handOver(sink, toColumns([worst()], options()));
    expect(calls).toEqual([
      'begin',
      'frame worst',
      'texts service 2 16',
      'texts kind 2 8',
      'texts tool or pool 2 13',
      'end',
    ]);

    // The exemplars' trace ids and services are handed over as the rows themselves, kept on
    // this side; their status, read for every row, is copied in.
    calls.length = 0;
    const trace = (name: string, link?: string) => ({
      name,
      type: FieldType.string,
      values: ['abc', 'def'],
      config: link ? { links: [{ title: 'trace', url: link }] } : {},
    });
    const exemplars = toDataFrame({
      name: 'exemplar',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1, 2] },
        trace('trace_id', 'https://traces.example/${__value.raw}'),
        trace('job'),
        trace('status'),
      ],
    });
    const linkedElsewhere = toDataFrame({ name: 'worst', fields: [trace('service', '/d/x')] });
    handOver(sink, toColumns([exemplars, linkedElsewhere], options()));
    expect(calls).toEqual([
      'begin',
      'frame exemplar',
      'numbers Time 1,2',
      'kept trace_id abc,def',
      'link https://traces.example/${__value.raw}',
      'kept job abc,def',
      'texts status 2 6',
      'frame worst',
      'texts service 2 6',
      'link /d/x',
      'end',
    ]);
  });

  it("hands the panel's time range over first, in ms, and none when the panel has none", () => {
    const calls: string[] = [];
    const sink: ColumnSink = {
      beginFrames: () => calls.push('begin'),
      addFrame: (n) => calls.push(`frame ${n}`),
      numbersBuffer: (n) => new Float64Array(n),
      addWrittenNumbers: () => undefined,
      addTexts: () => undefined,
      addKept: () => undefined,
      addLabel: () => undefined,
      setLink: () => undefined,
      setSteps: () => undefined,
      setTimeRange: (from, to) => calls.push(`range ${from} ${to}`),
      endFrames: () => calls.push('end'),
    };
    const range = rangeMs({ from: dateTime(1000), to: dateTime(901000), raw: { from: 'now-15m', to: 'now' } });
    handOver(sink, toColumns([worst()], options()), range);
    expect(calls).toEqual(['begin', 'range 1000 901000', 'frame worst', 'end']);
    calls.length = 0;
    handOver(sink, toColumns([worst()], options()), rangeMs(undefined));
    expect(calls).toEqual(['begin', 'frame worst', 'end']);
  });
  it('hands a number field’s threshold steps over as statuses, overrides included, a colour of the user’s not at all', () => {
    const calls: string[] = [];
    const sink: ColumnSink = {
      beginFrames: () => undefined,
      addFrame: (n) => calls.push(`frame ${n}`),
      numbersBuffer: (n) => new Float64Array(n),
      addWrittenNumbers: (n) => calls.push(`numbers ${n}`),
      addTexts: (n) => calls.push(`texts ${n}`),
      addKept: (n) => calls.push(`kept ${n}`),
      addLabel: () => undefined,
      setLink: () => undefined,
      setSteps: (b, st) => calls.push(`steps ${Array.from(b).join(',')} ${st}`),
      setTimeRange: () => undefined,
      endFrames: () => undefined,
    };
    const steps = (...s: Array<[number, string]>) => ({
      mode: ThresholdsMode.Absolute,
      steps: s.map(([value, color]) => ({ value, color })),
    });
    const frame = toDataFrame({
      name: 'ecosystemSummary',
      fields: [
        {
          name: 'status',
          type: FieldType.string,
          values: ['ok'],
          config: {
            mappings: [
              {
                type: MappingType.ValueToText,
                options: { ok: { color: 'green' }, warn: { color: 'orange' }, critical: { color: 'red' } },
              },
            ],
          },
        },
        // p95 overridden to warn from 250 ms.
        {
          name: 'p95 latency',
          type: FieldType.number,
          values: [0.2],
          config: { thresholds: steps([-Infinity, 'green'], [0.25, 'orange'], [0.75000000000001, 'red']) },
        },
        {
          name: 'CPU %',
          type: FieldType.number,
          values: [5],
          config: { thresholds: steps([-Infinity, 'green'], [70, 'purple']) },
        },
        { name: 'up', type: FieldType.number, values: [1] },
      ],
    });
    // A tool table without its status column (hidden by a transformation): its colours read
    // as the summary's.
    const tools = toDataFrame({
      name: 'toolHealth',
      fields: [
        {
          name: 'success %',
          type: FieldType.number,
          values: [85],
          config: { thresholds: steps([-Infinity, 'red'], [50, 'orange'], [80.00000000000001, 'green']) },
        },
      ],
    });
    handOver(sink, toColumns([frame, tools], options()));
    expect(calls).toEqual([
      'frame ecosystemSummary',
      'texts status',
      'numbers p95 latency',
      'steps 0.25,0.75000000000001 ok warn critical',
      'numbers CPU %',
      'numbers up',
      'frame toolHealth',
      'numbers success %',
      'steps 50,80.00000000000001 critical warn ok',
    ]);
  });
});

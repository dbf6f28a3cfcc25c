// Grafana's data frames -> the renderer's typed columns: numbers (and times, in ms) as
// f64 with NaN for gaps, converted at the hand-over straight into the module's memory;
// text as one string of the rows joined with each row's end (crates/render's input): a
// column crosses into the module's memory as one string, encoded once there, instead of an
// encoding and a copy per row.
// The exemplars' trace ids (the exemplar frame's linked text) stay on this side: the
// renderer draws none of them, and reads one through the array it is handed only when a
// tooltip, a link or the description asks, so new data does not copy 10,000 of them.
// A number field's threshold steps go with it, as the statuses their colours stand for
// (thresholds.ts, the legend's reading): the renderer colours values by them.
// Options that choose rows or frames (sections, sort) apply here, so the renderer draws
// what it is handed; the maximum of tiles is the renderer's, which counts the services it
// does not draw.
import { DataFrame, Field, FieldType, locationUtil, PanelData, TimeRange } from '@grafana/data';

import { COLUMNS, EXEMPLAR_LABELS, FRAMES, QUERY_TYPES, STATUS_WORDS, WORST_KINDS } from './names';
import { rendererSteps, statusByColour, statusSteps } from './thresholds';
import { PanelOptions, Section } from './types';

const { service: SERVICE, status: STATUS, tool: TOOL, pool: POOL, worstKind: WORST_KIND } = COLUMNS;
// The exemplar frame's texts the renderer reads for every row (to mark the failing ones);
// the others (trace ids, services) are read only by a tooltip or a click and stay on this
// side, kept rather than copied into the renderer's memory.
const EXEMPLAR_ROW_TEXTS = new Set<string>([EXEMPLAR_LABELS.status, EXEMPLAR_LABELS.errorType]);

export interface TextColumn {
  kind: 'texts';
  name: string;
  text: string;
  ends: Uint32Array;
  labels: Array<[string, string]>;
  link?: string;
}

/**
 * A number column, converted when it is written: into the renderer's memory at the
 * hand-over, so that new data makes no array of its own (see `numbersOf`).
 */
export interface NumberColumn {
  kind: 'numbers';
  name: string;
  length: number;
  /** Writes the column's `length` values into `into`, NaN for a gap. */
  write(into: Float64Array): void;
  labels: Array<[string, string]>;
  link?: string;
  /** The field's threshold steps: the bounds after the first step and every step's status (`setSteps`). */
  steps?: { bounds: Float64Array; statuses: string };
}

/** A text column the renderer is handed as the array itself, not copied into its memory. */
export interface KeptColumn {
  kind: 'kept';
  name: string;
  rows: string[];
  labels: Array<[string, string]>;
  link?: string;
}

export type Column = TextColumn | NumberColumn | KeptColumn;

export interface ColumnFrame {
  name: string;
  columns: Column[];
}

/** What the renderer's wasm `Renderer` takes columns through. */
export interface ColumnSink {
  beginFrames(): void;
  addFrame(name: string): void;
  /** `n` numbers to write, for the field `addWrittenNumbers` adds next. */
  numbersBuffer(n: number): Float64Array;
  addWrittenNumbers(name: string): void;
  addTexts(name: string, text: string, ends: Uint32Array): void;
  addKept(name: string, rows: string[]): void;
  addLabel(key: string, value: string): void;
  setLink(url: string): void;
  /** The last field's threshold steps: the bounds after the first step, every step's status separated by spaces. */
  setSteps(bounds: Float64Array, statuses: string): void;
  /** The dashboard's time range the frames answer, ms since the epoch: the latency strip's axis. */
  setTimeRange(from: number, to: number): void;
  endFrames(): void;
}

/** Text rows joined, with each row's end in UTF-16 code units (a JavaScript string's length). */
export function textColumn(rows: string[]): { text: string; ends: Uint32Array } {
  const ends = new Uint32Array(rows.length);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    total += rows[i].length;
    ends[i] = total;
  }
  return { text: rows.join(''), ends };
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  if (v instanceof Date) {
    return v.valueOf();
  }
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? NaN : n;
  }
  return NaN;
}

function toText(v: unknown): string {
  if (v === null || v === undefined) {
    return '';
  }
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The time range a link to Explore opens at, in ms since the epoch (or Grafana's relative words). */
export interface LinkRange {
  from: string;
  to: string;
}

/** A panel's time range in ms since the epoch, when it has one. */
export function rangeMs(range: TimeRange | undefined): { from: number; to: number } | undefined {
  const from = range?.from?.valueOf();
  const to = range?.to?.valueOf();
  return typeof from === 'number' && typeof to === 'number' && Number.isFinite(from) && Number.isFinite(to)
    ? { from, to }
    : undefined;
}

/** A panel's time range as an Explore link takes it: absolute, so a link opened later shows the same moment. */
export function linkRange(range: TimeRange | undefined): LinkRange | undefined {
  const ms = rangeMs(range);
  return ms && { from: String(ms.from), to: String(ms.to) };
}

/**
 * The link template of a field's first data link as the renderer expects it:
 * `${__value.raw}` stands for the row's value. An internal link (to a trace datasource)
 * becomes the Explore URL Grafana would open for it, under Grafana's sub-path (appSubUrl),
 * at `range`; an external link stays exactly as the datasource set it.
 */
export function linkTemplate(field: Field, range?: LinkRange): string | undefined {
  const link = field.config?.links?.[0];
  if (!link) {
    return undefined;
  }
  if (link.internal?.datasourceUid) {
    const placeholder = '__MCP_VALUE__';
    const query = JSON.parse(
      JSON.stringify(link.internal.query ?? {})
        .split('${__value.raw}')
        .join(placeholder)
    );
    const pane = {
      datasource: link.internal.datasourceUid,
      queries: [{ refId: 'A', ...query, datasource: { uid: link.internal.datasourceUid } }],
      // The panel's range, as Grafana's own data links take it: every exemplar drawn lies in it.
      range: range ?? { from: 'now-1h', to: 'now' },
    };
    const url = locationUtil.assureBaseUrl(
      `/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify({ trace: pane }))}`
    );
    return url.split(placeholder).join('${__value.raw}');
  }
  return link.url || undefined;
}

/**
 * Where a link the panel follows goes. An exemplar's trace, and any link outside Grafana,
 * opens in a new tab exactly as set; a link into Grafana (the drill-down link as a path,
 * with Grafana's sub-path or without, as a full URL of this Grafana, or a query alone for
 * the dashboard it is on) opens in place, as a path under the sub-path, which Grafana's
 * history adds.
 */
export function linkDestination(kind: string, link: string): { newTab: string } | { inPlace: string } {
  const path = locationUtil.stripBaseFromUrl(link);
  if (kind === 'exemplar' || /^([a-z][a-z0-9+.-]*:|\/\/)/i.test(path)) {
    return { newTab: link };
  }
  // A path from the root as it is; a query or a fragment alone stays on the page it is on.
  return { inPlace: /^[/?#]/.test(path) ? path : `/${path}` };
}

/**
 * The rows a frame hands over: every row in order (`undefined`), or those the options
 * chose, in their order.
 */
type Rows = number[] | undefined;

/** A field's values as an indexable list (a Grafana 10 array, or an older vector's copy). */
function listOf(field: Field): ArrayLike<unknown> {
  const values: ArrayLike<unknown> & { toArray?: () => unknown[] } = field.values;
  return Array.isArray(values) || typeof values.toArray !== 'function' ? values : values.toArray();
}

/** A frame's row count, 0 unless it is a count. */
function rowCount(frame: DataFrame): number {
  return Math.max(0, Math.trunc(frame.length) || 0);
}

/** The indices 0 to n - 1. */
function everyRow(n: number): number[] {
  const rows = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    rows[i] = i;
  }
  return rows;
}

/** A number column's values, in an array of their own. */
export function numbersOf(c: NumberColumn): Float64Array {
  const values = new Float64Array(c.length);
  c.write(values);
  return values;
}

// New data converts every value of every field (300,000 for 150 latency lines of 1,000
// points): one loop over the list itself, a number taken as it is, with no list of every
// row's index built first (`Array.from` with a callback was most of the conversion's time),
// and straight into where the values go.
function writeNumbers(list: ArrayLike<unknown>, rows: Rows, into: Float64Array) {
  const n = into.length;
  if (!rows && isNumberArray(list)) {
    // A typed array holds numbers only (a frame built in the browser, or decoded from
    // Arrow): copied whole, rows past its end gaps.
    into.set(list.length > n ? list.subarray(0, n) : list);
    into.fill(NaN, Math.min(list.length, n));
  } else if (rows) {
    for (let k = 0; k < n; k++) {
      const v = list[rows[k]];
      into[k] = typeof v === 'number' ? v : toNumber(v);
    }
  } else {
    for (let k = 0; k < n; k++) {
      const v = list[k];
      into[k] = typeof v === 'number' ? v : toNumber(v);
    }
  }
}

type NumberArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

/** A typed array of numbers (not of BigInts, whose values `set` refuses). */
function isNumberArray(list: ArrayLike<unknown>): list is NumberArray {
  return (
    ArrayBuffer.isView(list) &&
    !(list instanceof DataView) &&
    !(list instanceof BigInt64Array) &&
    !(list instanceof BigUint64Array)
  );
}

function column(
  field: Field,
  rows: Rows,
  length: number,
  keep: boolean,
  statuses: Map<string, string>,
  range?: LinkRange
): Column {
  const labels = Object.entries(field.labels ?? {});
  const link = linkTemplate(field, range);
  const list = listOf(field);
  const n = rows ? rows.length : length;
  switch (field.type) {
    case FieldType.number:
    case FieldType.time:
    case FieldType.boolean:
      return {
        kind: 'numbers',
        name: field.name,
        length: n,
        write: (into) => writeNumbers(list, rows, into),
        labels,
        link,
        steps: rendererSteps(statusSteps(field, statuses)),
      };
    default:
      const texts = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        texts[k] = toText(list[rows ? rows[k] : k]);
      }
      return keep && !EXEMPLAR_ROW_TEXTS.has(field.name)
        ? { kind: 'kept', name: field.name, rows: texts, labels, link }
        : { kind: 'texts', name: field.name, ...textColumn(texts), labels, link };
  }
}

/** The section a frame feeds, or undefined for the summary itself (always shown). */
function sectionOf(frame: DataFrame): Section | 'worst' | undefined {
  switch (frame.name) {
    case FRAMES.summary:
      return undefined;
    case FRAMES.worst:
      return 'worst';
    case FRAMES.toolHealth:
      return 'tools';
    case FRAMES.poolCapacity:
      return 'pools';
    case FRAMES.exemplar:
      return 'exemplars';
    default:
      return 'latency';
  }
}

const SEVERITY: Record<string, number> = {
  [STATUS_WORDS.critical]: 0,
  [STATUS_WORDS.warn]: 1,
  [STATUS_WORDS.ok]: 2,
};

function textsOf(frame: DataFrame, name: string): string[] | undefined {
  const f = frame.fields.find((x) => x.name === name);
  return f ? Array.from(listOf(f), toText) : undefined;
}

/**
 * The summary's rows in the order the options ask for, every one: the renderer draws the
 * first `tileLimit` and counts the rest (setMaxTiles).
 */
export function summaryRows(frame: DataFrame, options: Pick<PanelOptions, 'sort'>): number[] {
  const rows = everyRow(rowCount(frame));
  const names = textsOf(frame, SERVICE) ?? [];
  const statuses = textsOf(frame, STATUS) ?? [];
  const byName = (a: number, b: number) => (names[a] ?? '').localeCompare(names[b] ?? '');
  if (options.sort === 'name') {
    rows.sort(byName);
  } else if (options.sort === 'status') {
    rows.sort((a, b) => (SEVERITY[statuses[a]] ?? 3) - (SEVERITY[statuses[b]] ?? 3) || byName(a, b));
  }
  return rows;
}

/** The "Maximum tiles" option as the renderer takes it: a whole number, 0 for all. */
export function tileLimit(options: Pick<PanelOptions, 'maxTiles'>): number {
  const n = Math.trunc(Number(options.maxTiles));
  return Number.isFinite(n) && n > 0 ? Math.min(n, 0xffff_ffff) : 0;
}

/** A query type whose table the panel reads. */
interface TableQuery {
  /** The frame its table is. */
  frame: string;
  /** The section it feeds. */
  section: Section;
  /** The field that, with the service, tells its rows apart. */
  field: string;
  /** How the panel names a row, as its tooltip does (crates/render/src/hit.rs): "akosha / search". */
  named: (service: string, name: string) => string;
}

/** The query types whose table the panel reads, in the order of their sections. */
const TABLE_QUERIES: Record<string, TableQuery> = {
  [QUERY_TYPES.toolHealth]: {
    frame: FRAMES.toolHealth,
    section: 'tools',
    field: TOOL,
    named: (service, tool) => `${service} / ${tool}`,
  },
  [QUERY_TYPES.poolCapacity]: {
    frame: FRAMES.poolCapacity,
    section: 'pools',
    field: POOL,
    named: (service, pool) => `${service} / ${pool} pool`,
  },
};

/** A query whose table the panel reads that answered time series instead. */
export interface SeriesForTable {
  refId: string;
  queryType: string;
  /** The section its table feeds. */
  section: Section;
}

/**
 * The queries of a type whose table the panel reads (poolCapacity, toolHealth) that
 * answered time series (poolCapacity's default format, or toolHealth's Format set so): told
 * by the request's queryType for a refId whose frames are there and none of them that table.
 */
export function seriesForTables(data: Pick<PanelData, 'series' | 'request'>): SeriesForTable[] {
  const out: SeriesForTable[] = [];
  for (const target of data.request?.targets ?? []) {
    const table = TABLE_QUERIES[target.queryType ?? ''];
    const frames = table && target.refId && !target.hide ? data.series.filter((f) => f.refId === target.refId) : [];
    if (frames.length > 0 && !frames.some((f) => f.name === table.frame)) {
      out.push({ refId: target.refId, queryType: target.queryType ?? '', section: table.section });
    }
  }
  return out;
}

/** A frame's rows the panel keeps. */
interface Part {
  frame: DataFrame;
  rows: number[];
}

/** What a merge drew once, each named once as the panel names it, in order. */
interface Repeats {
  /** Named again by a later answer: drawn from the first. */
  across: string[];
  /** Named again within one answer: drawn from its first row. */
  within: string[];
}

/**
 * The first row of each key over the frames of a merge, in order: the others are repeats,
 * named once each, apart by whether the first was in the same frame.
 */
class FirstOfEach {
  private readonly first = new Map<string, number>();
  private readonly across = new Map<string, string>();
  private readonly within = new Map<string, string>();

  /** Whether the key's row in frame `frame` is its first, else where the first was. */
  keep(key: string, frame: number, name: () => string): 'first' | 'within' | 'across' {
    const at = this.first.get(key);
    if (at === undefined) {
      this.first.set(key, frame);
      return 'first';
    }
    const kind = at === frame ? 'within' : 'across';
    if (!this.across.has(key) && !this.within.has(key)) {
      (kind === 'within' ? this.within : this.across).set(key, name());
    }
    return kind;
  }

  get repeats(): Repeats {
    return { across: [...this.across.values()], within: [...this.within.values()] };
  }
}

/**
 * The ecosystemSummary answers' rows the panel draws and their worst frames' (each worst
 * frame the answer of the summary before it): a service an earlier answer named is left
 * out of a later one, its worst rows too; a service one answer names twice is drawn from
 * its first row. Both are named in `repeated`.
 */
function summaryParts(series: DataFrame[]): { summaries: Part[]; worst: Part[]; repeated: Repeats } {
  const firsts = new FirstOfEach();
  const summaries: Part[] = [];
  const worst: Part[] = [];
  let again = new Set<string>();
  series.forEach((frame, k) => {
    if (frame.name === FRAMES.summary) {
      const names = textsOf(frame, SERVICE) ?? [];
      again = new Set<string>();
      const rows: number[] = [];
      for (let i = 0, n = rowCount(frame); i < n; i++) {
        const name = names[i];
        const kept = name === undefined ? 'first' : firsts.keep(name, k, () => name);
        if (kept === 'first') {
          rows.push(i);
        } else if (kept === 'across') {
          again.add(name);
        }
      }
      summaries.push({ frame, rows });
    } else if (frame.name === FRAMES.worst) {
      const services = textsOf(frame, SERVICE) ?? [];
      worst.push({ frame, rows: everyRow(rowCount(frame)).filter((i) => !again.has(services[i])) });
    }
  });
  return { summaries, worst, repeated: firsts.repeats };
}

/**
 * The rows of `parts` one after the other, as one frame: the first frame's name, meta and
 * refId, each field's config (its thresholds) from the first frame that has it, a gap where
 * a frame lacks the field.
 */
function concatRows(parts: Part[]): DataFrame {
  const fields = new Map<string, Field>();
  parts.forEach(({ frame }) => frame.fields.forEach((f) => fields.has(f.name) || fields.set(f.name, f)));
  return {
    ...parts[0].frame,
    length: parts.reduce((n, p) => n + p.rows.length, 0),
    fields: [...fields.values()].map(({ state, ...field }) => ({
      ...field,
      values: parts.flatMap(({ frame, rows }) => {
        const f = frame.fields.find((x) => x.name === field.name);
        const list = f ? listOf(f) : [];
        return rows.map((i) => list[i] ?? null);
      }),
    })),
  };
}

/** Frames merged into one, and what the merge drew once though several answers named it. */
interface Merged {
  series: DataFrame[];
  repeated: Repeats;
}

/**
 * Every ecosystemSummary answer as one frame, and every worst frame as one, so that the
 * sort, the tile limit, the header's counts and the description see the services of them
 * all (a Mixed panel over two MCP datasources). The panel tells services apart by name (the
 * keyboard's focus, the drill-down link, the tool grid's rows), so a service a later answer
 * names again is drawn once, from the first answer, and so are its worst rows; the notice
 * names it (`repeated`), as a service one answer names twice, drawn from its first row. The
 * values are coloured by the first answer's thresholds.
 */
function oneSummary(series: DataFrame[]): Merged {
  const { summaries, worst, repeated } = summaryParts(series);
  if (summaries.length < 2 && repeated.within.length === 0) {
    return { series, repeated };
  }
  const withSummary = inPlaceOf(series, FRAMES.summary, concatRows(summaries));
  return {
    series: worst.length > 0 ? inPlaceOf(withSummary, FRAMES.worst, concatRows(worst)) : withSummary,
    repeated,
  };
}

/** `series` with its frames named `name` replaced by `one`, where the first of them was. */
function inPlaceOf(series: DataFrame[], name: string, one: DataFrame): DataFrame[] {
  const first = series.findIndex((f) => f.name === name);
  return series.flatMap((f, i) => (i === first ? [one] : f.name === name ? [] : [f]));
}

/** A field's values by name, none when the frame lacks it. */
function valuesOf(frame: DataFrame, name: string): ArrayLike<unknown> {
  const f = frame.fields.find((x) => x.name === name);
  return f ? listOf(f) : [];
}

/**
 * Every toolHealth (or poolCapacity) answer as one table, as the summaries are
 * (`oneSummary`): a tool or pool an earlier answer named, by service and name, is drawn
 * once, from the first answer, one an answer names twice from its first row, and both are
 * named in `repeated`. One walk over each table's service and name, which tells the rows
 * kept and the ones repeated together.
 */
function oneTable(series: DataFrame[], table: TableQuery): Merged {
  const tables = series.filter((f) => f.name === table.frame);
  const firsts = new FirstOfEach();
  const parts = tables.map((frame, k) => {
    const services = valuesOf(frame, SERVICE);
    const names = valuesOf(frame, table.field);
    const rows: number[] = [];
    for (let i = 0, n = rowCount(frame); i < n; i++) {
      const service = toText(services[i]);
      const name = toText(names[i]);
      if (firsts.keep(`${service}\u0000${name}`, k, () => table.named(service, name)) === 'first') {
        rows.push(i);
      }
    }
    return { frame, rows };
  });
  const repeated = firsts.repeats;
  if (tables.length === 0 || (tables.length === 1 && repeated.within.length === 0)) {
    return { series, repeated };
  }
  return { series: inPlaceOf(series, table.frame, concatRows(parts)), repeated };
}

/** The frames the panel draws, and what it draws once though several answers named it. */
export interface PanelAnswer {
  frames: DataFrame[];
  /**
   * Per query type (ecosystemSummary, toolHealth, poolCapacity), the services, tools or
   * pools more than one of its answers named (a Mixed panel over two MCP datasources, or
   * one query twice), drawn once, from the first; then, `within`, those one answer named
   * twice, drawn from its first row: the notice names them. Types with none are left out.
   */
  repeated: Array<{ queryType: string; names: string[]; within: boolean }>;
}

/**
 * The frames the panel draws: its series, then the exemplar frames among its annotations.
 * The backend marks exemplars meta.dataTopic "annotations", so Grafana's query runner hands
 * them to panels in `annotations` (where time series panels take them); a table-format
 * exemplars query leaves them in `series`. The time series of a query whose table the panel
 * reads (`seriesForTables`, which the panel's notice names) are left out: they are neither
 * its tools or pools nor its latency. Several ecosystemSummary answers are one (`oneSummary`),
 * and so are several toolHealth or poolCapacity tables (`oneTable`); what the merges drew
 * once is `repeated`, found in the same walk.
 */
export function panelAnswer(data: Pick<PanelData, 'series' | 'annotations' | 'request'>): PanelAnswer {
  const notTables = new Set(seriesForTables(data).map((q) => q.refId));
  const series =
    notTables.size > 0
      ? data.series.filter((f) => f.name === FRAMES.exemplar || f.refId === undefined || !notTables.has(f.refId))
      : data.series;
  const exemplars = (data.annotations ?? []).filter((f) => f.name === FRAMES.exemplar);
  const summary = oneSummary(series);
  let merged = summary.series;
  const repeated: PanelAnswer['repeated'] = [];
  const add = (queryType: string, { across, within }: Repeats) =>
    repeated.push({ queryType, names: across, within: false }, { queryType, names: within, within: true });
  add(QUERY_TYPES.summary, summary.repeated);
  for (const [queryType, table] of Object.entries(TABLE_QUERIES)) {
    const one = oneTable(merged, table);
    merged = one.series;
    add(queryType, one.repeated);
  }
  return { frames: [...merged, ...exemplars], repeated: repeated.filter((r) => r.names.length > 0) };
}

/**
 * The frames the options keep, each as typed columns; `range` is the panel's time range
 * (`linkRange`), where links to Explore open.
 */
export function toColumns(series: DataFrame[], options: PanelOptions, range?: LinkRange): ColumnFrame[] {
  const shown = new Set<Section>(options.sections);
  const out: ColumnFrame[] = [];
  // A frame without a status field (a table whose status column a transformation hid)
  // reads its threshold colours as the summary's, which the backend maps the same.
  const summary = series.find((f) => f.name === FRAMES.summary);
  const answered = summary ? statusByColour(summary) : new Map<string, string>();
  for (const frame of series) {
    const section = sectionOf(frame);
    let rows: Rows;
    if (section === undefined && frame.name === FRAMES.summary) {
      rows = summaryRows(frame, options);
    } else if (section === 'worst') {
      // The summary's worst rows: kind "tool" feeds the tools, "pool" the pools.
      const kinds = textsOf(frame, WORST_KIND) ?? [];
      rows = everyRow(rowCount(frame)).filter((i) => shown.has(kinds[i] === WORST_KINDS.pool ? 'pools' : 'tools'));
    } else if (section && !shown.has(section)) {
      continue;
    }
    const keep = frame.name === FRAMES.exemplar;
    const own = statusByColour(frame);
    const statuses = own.size > 0 ? own : answered;
    out.push({
      name: frame.name ?? '',
      columns: frame.fields.map((f) => column(f, rows, rowCount(frame), keep, statuses, range)),
    });
  }
  return out;
}

/**
 * Hands the columns to the renderer (what it makes of them is then its `problem`), with the
 * panel's time range (`rangeMs`), which the latency strip spans; without one it spans its data.
 */
export function handOver(sink: ColumnSink, frames: ColumnFrame[], range?: { from: number; to: number }) {
  sink.beginFrames();
  if (range) {
    sink.setTimeRange(range.from, range.to);
  }
  for (const frame of frames) {
    sink.addFrame(frame.name);
    for (const c of frame.columns) {
      if (c.kind === 'numbers') {
        c.write(sink.numbersBuffer(c.length));
        sink.addWrittenNumbers(c.name);
      } else if (c.kind === 'kept') {
        sink.addKept(c.name, c.rows);
      } else {
        sink.addTexts(c.name, c.text, c.ends);
      }
      c.labels.forEach(([k, v]) => sink.addLabel(k, v));
      if (c.link) {
        sink.setLink(c.link);
      }
      if (c.kind === 'numbers' && c.steps) {
        sink.setSteps(c.steps.bounds, c.steps.statuses);
      }
    }
  }
  sink.endFrames();
}

// A panel's queries as Grafana's query runner sends them: one DataQueryRequest through the
// datasource's query() (the plugin's own code, /api/ds/query behind it), the answer as PanelData.
import {
  CoreApp,
  DataFrame,
  DataQuery,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataTopic,
  dateMath,
  dateTime,
  LoadingState,
  PanelData,
  rangeUtil,
  TimeRange,
} from '@grafana/data';
import { from, lastValueFrom } from 'rxjs';

/** A dashboard's time range from its raw form ("now-15m" to "now"), as Grafana's time picker makes it. */
export function timeRange(raw: { from: string; to: string }): TimeRange {
  const start = dateMath.parse(raw.from) ?? dateTime();
  const end = dateMath.parse(raw.to, true) ?? dateTime();
  return { from: start, to: end, raw };
}

/**
 * An answer's frames as Grafana's query runner hands them to a panel (runRequest's
 * processResponsePacket): frames whose meta.dataTopic is "annotations" (the plugin's exemplars)
 * in `annotations`, where time series panels take exemplars from, the rest in `series`.
 */
export function byTopic(frames: DataFrame[]): Pick<PanelData, 'series' | 'annotations'> {
  const series: DataFrame[] = [];
  const annotations: DataFrame[] = [];
  for (const frame of frames) {
    (frame.meta?.dataTopic === DataTopic.Annotations ? annotations : series).push(frame);
  }
  return { series, annotations };
}

export async function runQueries(
  ds: DataSourceApi,
  targets: DataQuery[],
  range: TimeRange,
  maxDataPoints: number,
  minInterval?: string
): Promise<PanelData> {
  const { interval, intervalMs } = rangeUtil.calculateInterval(range, maxDataPoints, minInterval ?? '15s');
  const request: DataQueryRequest<DataQuery> = {
    requestId: `harness-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    app: CoreApp.Dashboard,
    interval,
    intervalMs,
    maxDataPoints,
    range,
    rangeRaw: range.raw,
    scopedVars: {},
    targets,
    timezone: 'browser',
    startTime: Date.now(),
  };
  try {
    const r: DataQueryResponse = await lastValueFrom(from(ds.query(request) as any) as any);
    const errors = r.errors ?? (r.error ? [r.error] : undefined);
    return {
      state: errors?.length ? LoadingState.Error : LoadingState.Done,
      ...byTopic(r.data ?? []),
      errors,
      // As Grafana's query runner, the request goes with its answer (panels read its targets).
      request,
      timeRange: range,
    };
  } catch (err: any) {
    return {
      state: LoadingState.Error,
      series: [],
      errors: [{ message: err?.data?.message ?? err?.message ?? String(err) }],
      request,
      timeRange: range,
    };
  }
}

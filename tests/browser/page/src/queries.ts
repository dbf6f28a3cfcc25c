// A panel's queries as Grafana's query runner sends them: one DataQueryRequest through the
// datasource's query() (the plugin's own code, /api/ds/query behind it), the answer as PanelData.
import {
  CoreApp,
  DataQuery,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  LoadingState,
  PanelData,
  rangeUtil,
  TimeRange,
} from '@grafana/data';
import { from, lastValueFrom } from 'rxjs';

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
      series: r.data ?? [],
      errors,
      timeRange: range,
    };
  } catch (err: any) {
    return {
      state: LoadingState.Error,
      series: [],
      errors: [{ message: err?.data?.message ?? err?.message ?? String(err) }],
      timeRange: range,
    };
  }
}

// The datasource as Grafana's frontend sees it: queries go to the Rust backend unchanged but
// for template variables; lists, the PromQL preview and the ecosystem check are the
// backend's resources.
import {
  CoreApp,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  MetricFindValue,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { from, map, Observable } from 'rxjs';

import {
  EcosystemCheck,
  FILTER_FIELDS,
  ListResource,
  McpOptions,
  McpQuery,
  McpVariableQuery,
  PromqlCall,
  QueryTypeInfo,
} from './types';
import { ListCache, listKey, listRange, ListRequest } from './lists';
import { McpVariableSupport } from './variableSupport';
import { expandList, interpolatePromql } from './variables';

export class McpDataSource extends DataSourceWithBackend<McpQuery, McpOptions> {
  private queryTypes?: Promise<QueryTypeInfo[]>;
  private readonly lists = new ListCache<string[]>();

  constructor(
    instanceSettings: DataSourceInstanceSettings<McpOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.variables = new McpVariableSupport(this);
  }

  getDefaultQuery(_app: CoreApp): Partial<McpQuery> {
    return { queryType: 'requestRate' };
  }

  filterQuery(query: McpQuery): boolean {
    return !query.hide;
  }

  applyTemplateVariables(query: McpQuery, scopedVars: ScopedVars): McpQuery {
    const out: McpQuery = { ...query };
    for (const field of FILTER_FIELDS) {
      if (query[field] !== undefined) {
        out[field] = expandList(query[field], scopedVars, this.templateSrv);
      }
    }
    if (query.rateWindow) {
      out.rateWindow = this.templateSrv.replace(query.rateWindow, scopedVars);
    }
    if (query.expr) {
      out.expr = interpolatePromql(query.expr, scopedVars, this.templateSrv);
    }
    return out;
  }

  /** Which list `listValues` answers for these arguments: the editors ask again when it changes. */
  listRequest(resource: ListResource, range?: TimeRange, services: string[] = []): ListRequest {
    return { resource, range: listRange(range), services: expandList(services, {}, this.templateSrv) };
  }

  /**
   * The values of one list for a time range, optionally narrowed to some services: one
   * request per list, range and services, kept in the datasource's cache (see lists.ts).
   * The array is shared by every caller; none may change it.
   */
  listValues(resource: ListResource, range?: TimeRange, services: string[] = []): Promise<string[]> {
    const request = this.listRequest(resource, range, services);
    return this.lists.get(listKey(request), async () => {
      const params: Record<string, string> = {};
      if (request.range) {
        params.from = String(request.range.from);
        params.to = String(request.range.to);
      }
      if (request.services.length > 0) {
        params.services = request.services.join(',');
      }
      const values = await this.getResource<string[]>(resource, params);
      return Array.isArray(values) ? values : [];
    });
  }

  /** The query types with their descriptions and fields, from the model crate via the backend. */
  getQueryTypes(): Promise<QueryTypeInfo[]> {
    if (!this.queryTypes) {
      this.queryTypes = this.getResource<QueryTypeInfo[]>('queryTypes').catch((e) => {
        this.queryTypes = undefined;
        throw e;
      });
    }
    return this.queryTypes;
  }

  /** The PromQL the backend would run for a query (its own builder's answer). */
  async previewPromql(
    query: McpQuery,
    range: TimeRange,
    intervalMs: number,
    maxDataPoints: number
  ): Promise<PromqlCall[]> {
    const body = {
      query: this.applyTemplateVariables(query, {}),
      from: range.from.valueOf(),
      to: range.to.valueOf(),
      intervalMs,
      maxDataPoints,
    };
    const answer = await this.postResource<{ queries: PromqlCall[] }>('promql', body);
    return answer.queries ?? [];
  }

  /** The backend's diagnosis of the ecosystem behind this datasource. */
  ecosystemCheck(): Promise<EcosystemCheck> {
    return this.getResource<EcosystemCheck>('ecosystemCheck');
  }

  /** Values of a variable query; also what Grafana calls for legacy variable lookups. */
  metricFindQuery(query: McpVariableQuery | string, options?: { range?: TimeRange }): Promise<MetricFindValue[]> {
    // A variable saved as plain text names its list ("tools"); anything else lists services.
    const { resource, services } = typeof query === 'string' ? { resource: query, services: [] } : (query ?? {});
    const list = FILTER_FIELDS.find((f) => f === resource) ?? 'services';
    return this.listValues(list, options?.range, services).then((values) =>
      values.map((value) => ({ text: value, value }))
    );
  }

  variableValues(request: DataQueryRequest<McpVariableQuery>): Observable<DataQueryResponse> {
    const query = request.targets[0];
    return from(this.metricFindQuery(query, { range: request.range })).pipe(map((data) => ({ data })));
  }
}

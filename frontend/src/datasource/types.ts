// The datasource's query model and settings as Grafana stores them in dashboards and in the
// datasource's JSON. Names match crates/model/src/query.rs and the backend's settings
// reader exactly, so a query built here round-trips through the dashboard JSON unchanged.
import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** Every query type, in the order the editor lists them (as the model crate's QueryType::ALL). */
export const QUERY_TYPES = [
  'ecosystemSummary',
  'requestRate',
  'requestLatency',
  'errorRate',
  'toolHealth',
  'poolCapacity',
  'agentTasks',
  'workflows',
  'sessions',
  'memory',
  'cache',
  'system',
  'otlpOperations',
  'exemplars',
  'promql',
] as const;

export type QueryType = (typeof QUERY_TYPES)[number];

/** The label filters of a query: exact values, an empty list keeps everything. */
export const FILTER_FIELDS = [
  'services',
  'tools',
  'pools',
  'agentTypes',
  'adapters',
  'cacheLayers',
  'operations',
] as const;

export type FilterField = (typeof FILTER_FIELDS)[number];

export type Format = 'timeseries' | 'table';
export type ExemplarSource = 'http' | 'tool';

export interface McpQuery extends DataQuery {
  queryType?: QueryType;
  services?: string[];
  tools?: string[];
  pools?: string[];
  agentTypes?: string[];
  adapters?: string[];
  cacheLayers?: string[];
  operations?: string[];
  /** Latency percentiles, each above 0 and below 100. */
  percentiles?: number[];
  format?: Format;
  /** "auto" or a Prometheus duration. */
  rateWindow?: string;
  exemplarSource?: ExemplarSource;
  /** Exemplars kept and rows of top-N tables. */
  limit?: number;
  /** requestLatency and toolHealth as time series: also return their exemplars. */
  exemplars?: boolean;
  /** PromQL of a promql query. */
  expr?: string;
  /** Legend of a promql query, {{label}} style. */
  legendFormat?: string;
}

/** One entry of the backend's queryTypes resource. */
export interface QueryTypeInfo {
  queryType: QueryType;
  description: string;
  defaultFormat: Format;
  fields: string[];
}

/** Keys of the status thresholds (crates/model/src/status.rs). */
export const THRESHOLD_KEYS = [
  'p95LatencySeconds',
  'toolP95LatencySeconds',
  'toolSuccessPercent',
  'activeWorkers',
  'cpuPercent',
  'memoryBytes',
  'diskPercent',
] as const;

export type ThresholdKey = (typeof THRESHOLD_KEYS)[number];

export interface Band {
  warn?: number;
  critical?: number;
}

export type MetricProfile = 'seed' | 'otel';

/** What the backend asks of the server for its answers (crates/plugin/src/settings.rs). */
export type Compression = 'gzip' | 'none';

export interface McpOptions extends DataSourceJsonData {
  httpMethod?: string;
  compression?: Compression;
  /** Seconds per upstream call. */
  timeout?: number;
  /** Scrape interval, a Prometheus duration. */
  timeInterval?: string;
  maxResponseBytes?: number;
  maxConcurrentQueries?: number;
  tlsSkipVerify?: boolean;
  tlsAuth?: boolean;
  tlsAuthWithCACert?: boolean;
  serverName?: string;
  traceDatasourceUid?: string;
  traceUrlTemplate?: string;
  exemplarTraceIdLabel?: string;
  metricProfile?: MetricProfile;
  metricOverrides?: Record<string, string>;
  thresholds?: Partial<Record<ThresholdKey, Band>>;
}

export interface McpSecureJsonData {
  basicAuthPassword?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
}

/** The list resources an editor or a template variable can ask for. */
export type ListResource = FilterField;

/** A template variable's query: which list, optionally narrowed by services. */
export interface McpVariableQuery extends DataQuery {
  resource: ListResource;
  services?: string[];
}

/** One upstream call the backend would make for a query (POST resources/promql). */
export interface PromqlCall {
  expr: string;
  kind: 'range' | 'instant' | 'exemplars';
  stepMs?: number;
  purpose: string;
}

/** The backend's health diagnosis (GET resources/ecosystemCheck, also CheckHealth's details). */
export interface EcosystemCheck {
  status: 'ok' | 'error';
  message: string;
  engine?: {
    url?: string;
    /** "Prometheus", "VictoriaMetrics", "Grafana Mimir", ... */
    name?: string;
    version?: string;
    /** The optional APIs: exemplars, metadata, nativeHistograms. */
    features?: Record<string, { answers: boolean; note: string }>;
  };
  profile?: MetricProfile;
  jobs?: Array<{
    job: string;
    up: boolean;
    instances: number;
    instancesDown: number;
    families: { present: string[]; missing: string[] };
  }>;
  exemplars?: { ok: boolean; message: string };
  findings?: Array<{ severity: 'error' | 'warning' | 'info'; subject: string; problem: string; fix: string }>;
}

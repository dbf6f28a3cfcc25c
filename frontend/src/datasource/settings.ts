// Checks of the datasource settings, worded as the backend words them
// (crates/plugin/src/settings.rs, limit.rs; crates/model/src/status.rs), so the config page
// and "Save & test" say the same thing. Each returns the problem, or undefined when fine.
import { Band, ThresholdKey } from './types';

export const DEFAULTS = {
  timeout: 30,
  httpMethod: 'POST',
  compression: 'gzip',
  timeInterval: '15s',
  maxResponseBytes: 64 * 1024 * 1024,
  maxConcurrentQueries: 16,
  exemplarTraceIdLabel: 'trace_id',
  metricProfile: 'seed',
} as const;

const GIB = 1024 * 1024 * 1024;

/** A status band: its defaults and which way is worse (crates/model/src/status.rs). */
export interface ThresholdInfo {
  key: ThresholdKey;
  label: string;
  unit: string;
  higherIsWorse: boolean;
  /** The seed profile's band; none: the band is off until both bounds are set. */
  seed?: { warn: number; critical: number };
  /** The otel profile's band, where it differs from seed's. */
  otel?: { warn: number; critical: number };
}

export const THRESHOLDS: ThresholdInfo[] = [
  {
    key: 'p95LatencySeconds',
    label: 'p95 latency',
    unit: 'seconds; HTTP requests under seed, every MCP operation under otel',
    higherIsWorse: true,
    seed: { warn: 0.1, critical: 0.5 },
    otel: { warn: 5, critical: 10 },
  },
  {
    key: 'toolP95LatencySeconds',
    label: 'Tool p95 latency',
    unit: 'seconds; off by default, tools are judged on success',
    higherIsWorse: true,
  },
  {
    key: 'toolSuccessPercent',
    label: 'Tool success',
    unit: '%',
    higherIsWorse: false,
    seed: { warn: 95, critical: 90 },
  },
  {
    key: 'activeWorkers',
    label: 'Active workers',
    unit: 'workers',
    higherIsWorse: false,
    seed: { warn: 2, critical: 1 },
  },
  { key: 'cpuPercent', label: 'CPU', unit: '%', higherIsWorse: true, seed: { warn: 50, critical: 80 } },
  {
    key: 'memoryBytes',
    label: 'Memory',
    unit: 'bytes',
    higherIsWorse: true,
    seed: { warn: 4 * GIB, critical: 8 * GIB },
  },
  { key: 'diskPercent', label: 'Disk', unit: '%', higherIsWorse: true, seed: { warn: 70, critical: 85 } },
];

/** The band a profile starts from, if any. */
export function defaultBand(info: ThresholdInfo, profile: string | undefined) {
  return profile === 'otel' ? (info.otel ?? info.seed) : info.seed;
}

export function checkUrl(url: string | undefined): string | undefined {
  const text = (url ?? '').trim();
  if (text === '') {
    return 'enter the URL of a Prometheus-compatible server, such as http://prometheus:9090';
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return 'is not a URL; use a form such as http://prometheus:9090';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'only http and https URLs are supported';
  }
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value))) {
    return Number(value);
  }
  return undefined;
}

const empty = (value: unknown) => value === undefined || value === null || value === '';

export function checkTimeout(value: unknown): string | undefined {
  const n = asNumber(value);
  if (empty(value) || (n !== undefined && n > 0 && n <= 3600)) {
    return undefined;
  }
  return 'use a number of seconds from 1 to 3600';
}

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** A Prometheus duration such as 15s or 1m30s; a bare number is seconds, as Grafana takes it. */
export function isDuration(text: string): boolean {
  const s = text.trim();
  return /^\d+$/.test(s) || DURATION.test(s);
}

export function checkTimeInterval(value: unknown): string | undefined {
  if (empty(value)) {
    return undefined;
  }
  const text = String(value);
  if (isDuration(text) && /[1-9]/.test(text)) {
    return undefined;
  }
  return 'use the scrape interval as a Prometheus duration, such as 15s';
}

export function checkCompression(value: unknown): string | undefined {
  return empty(value) || value === 'gzip' || value === 'none'
    ? undefined
    : 'use "gzip" or "none" (none for loopback and fast networks)';
}

export function checkMaxResponseBytes(value: unknown): string | undefined {
  const n = asNumber(value);
  if (empty(value) || (n !== undefined && n >= 1024)) {
    return undefined;
  }
  return 'use a number of bytes of at least 1024 (default 67108864, 64 MiB)';
}

export function checkMaxConcurrentQueries(value: unknown): string | undefined {
  const n = asNumber(value);
  if (empty(value) || (n !== undefined && Number.isInteger(n) && n >= 1 && n <= 1024)) {
    return undefined;
  }
  return 'use a whole number from 1 to 1024 (default 16); queries beyond it wait for a free slot';
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function checkTraceIdLabel(value: string | undefined): string | undefined {
  return !value || LABEL_NAME.test(value) ? undefined : 'is not a Prometheus label name';
}

export function checkMetricName(value: string | undefined): string | undefined {
  return !value || METRIC_NAME.test(value) ? undefined : 'is not a Prometheus metric name';
}

export function checkTraceUrlTemplate(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  return /^https?:\/\//.test(value)
    ? undefined
    : 'use an http or https URL such as https://tracing.example.com/trace/${__value.raw}';
}

/** The band as the backend would read it: defaults where unset, then in the right order. */
export function checkBand(info: ThresholdInfo, band: Band | undefined, profile?: string): string | undefined {
  const base = defaultBand(info, profile);
  const warn = band?.warn ?? base?.warn;
  const critical = band?.critical ?? base?.critical;
  if (warn === undefined && critical === undefined) {
    return undefined;
  }
  if (warn === undefined || critical === undefined) {
    return 'this band has no default: give both warn and critical';
  }
  if (info.higherIsWorse && warn > critical) {
    return 'warn must not be above critical (higher values are worse)';
  }
  if (!info.higherIsWorse && warn < critical) {
    return 'warn must not be below critical (lower values are worse)';
  }
  return undefined;
}

// The query editor's words for each query type; which fields a type shows comes from the
// backend (QueryFields).
import { QueryType } from '../types';

export { QueryFields } from './QueryFields';

export const LABELS: Record<QueryType, string> = {
  ecosystemSummary: 'Ecosystem summary',
  requestRate: 'Request rate',
  requestLatency: 'Request latency',
  errorRate: 'Error rate',
  toolHealth: 'Tool health',
  poolCapacity: 'Pool capacity',
  agentTasks: 'Agent tasks',
  workflows: 'Workflows',
  sessions: 'Sessions',
  memory: 'Memory',
  cache: 'Cache',
  system: 'System',
  otlpOperations: 'OTLP operations',
  exemplars: 'Exemplars',
  promql: 'PromQL',
};

// One editor view per query type, chosen by components/QueryEditor.tsx; the rate-based
// types that differ only in their second filter share rateView.
import { ComponentType } from 'react';

import type { ViewProps } from '../components/query/viewProps';
import { QueryType } from '../types';
import { QueryEditorEcosystemSummary } from './QueryEditorEcosystemSummary';
import { QueryEditorRequestLatency } from './QueryEditorRequestLatency';
import { QueryEditorToolHealth } from './QueryEditorToolHealth';
import { QueryEditorPoolCapacity } from './QueryEditorPoolCapacity';
import { QueryEditorSystem } from './QueryEditorSystem';
import { rateView } from './RateView';
import { QueryEditorExemplars } from './QueryEditorExemplars';
import { QueryEditorPromql } from './QueryEditorPromql';

export const VIEWS: Record<QueryType, { label: string; View: ComponentType<ViewProps> }> = {
  ecosystemSummary: { label: 'Ecosystem summary', View: QueryEditorEcosystemSummary },
  requestRate: { label: 'Request rate', View: rateView() },
  requestLatency: { label: 'Request latency', View: QueryEditorRequestLatency },
  errorRate: { label: 'Error rate', View: rateView() },
  toolHealth: { label: 'Tool health', View: QueryEditorToolHealth },
  poolCapacity: { label: 'Pool capacity', View: QueryEditorPoolCapacity },
  agentTasks: { label: 'Agent tasks', View: rateView('agentTypes') },
  workflows: { label: 'Workflows', View: rateView('adapters') },
  sessions: { label: 'Sessions', View: rateView('operations') },
  memory: { label: 'Memory', View: rateView() },
  cache: { label: 'Cache', View: rateView('cacheLayers') },
  system: { label: 'System', View: QueryEditorSystem },
  otlpOperations: { label: 'OTLP operations', View: rateView('operations') },
  exemplars: { label: 'Exemplars', View: QueryEditorExemplars },
  promql: { label: 'PromQL', View: QueryEditorPromql },
};

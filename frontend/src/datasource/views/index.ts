// One editor view per query type, chosen by components/QueryEditor.tsx.
import { ComponentType } from 'react';

import type { ViewProps } from '../components/query/viewProps';
import { QueryType } from '../types';
import { QueryEditorEcosystemSummary } from './QueryEditorEcosystemSummary';
import { QueryEditorRequestRate } from './QueryEditorRequestRate';
import { QueryEditorRequestLatency } from './QueryEditorRequestLatency';
import { QueryEditorErrorRate } from './QueryEditorErrorRate';
import { QueryEditorToolHealth } from './QueryEditorToolHealth';
import { QueryEditorPoolCapacity } from './QueryEditorPoolCapacity';
import { QueryEditorAgentTasks } from './QueryEditorAgentTasks';
import { QueryEditorWorkflows } from './QueryEditorWorkflows';
import { QueryEditorSessions } from './QueryEditorSessions';
import { QueryEditorMemory } from './QueryEditorMemory';
import { QueryEditorCache } from './QueryEditorCache';
import { QueryEditorSystem } from './QueryEditorSystem';
import { QueryEditorOtlpOperations } from './QueryEditorOtlpOperations';
import { QueryEditorExemplars } from './QueryEditorExemplars';
import { QueryEditorPromql } from './QueryEditorPromql';

export const VIEWS: Record<QueryType, { label: string; View: ComponentType<ViewProps> }> = {
  ecosystemSummary: { label: 'Ecosystem summary', View: QueryEditorEcosystemSummary },
  requestRate: { label: 'Request rate', View: QueryEditorRequestRate },
  requestLatency: { label: 'Request latency', View: QueryEditorRequestLatency },
  errorRate: { label: 'Error rate', View: QueryEditorErrorRate },
  toolHealth: { label: 'Tool health', View: QueryEditorToolHealth },
  poolCapacity: { label: 'Pool capacity', View: QueryEditorPoolCapacity },
  agentTasks: { label: 'Agent tasks', View: QueryEditorAgentTasks },
  workflows: { label: 'Workflows', View: QueryEditorWorkflows },
  sessions: { label: 'Sessions', View: QueryEditorSessions },
  memory: { label: 'Memory', View: QueryEditorMemory },
  cache: { label: 'Cache', View: QueryEditorCache },
  system: { label: 'System', View: QueryEditorSystem },
  otlpOperations: { label: 'OTLP operations', View: QueryEditorOtlpOperations },
  exemplars: { label: 'Exemplars', View: QueryEditorExemplars },
  promql: { label: 'PromQL', View: QueryEditorPromql },
};

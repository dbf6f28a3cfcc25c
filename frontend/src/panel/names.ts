// The backend's names the shell reads: its frames, columns, exemplar labels, status words
// and query types, as crates/model writes them (mcp_model::columns, Status, QueryType).
// Every other file of the shell takes them from here, and crates/render/tests/shell_names.rs
// holds each to the model's, so a renamed column cannot leave the panel reading nothing.
// (warmup.ts's made-up frames spell theirs out; crates/render/tests/rehearsal.rs holds those.)

/** Frame names (mcp_model::columns::<frame>::FRAME). */
export const FRAMES = {
  summary: 'ecosystemSummary',
  worst: 'worst',
  toolHealth: 'toolHealth',
  poolCapacity: 'poolCapacity',
  exemplar: 'exemplar',
} as const;

/** Column names (mcp_model::columns). */
export const COLUMNS = {
  /** Every per-service table's key column. */
  service: 'service',
  /** Every judged table's status column, a status word per row. */
  status: 'status',
  /** The toolHealth table's tool. */
  tool: 'tool',
  /** The poolCapacity table's pool. */
  pool: 'pool',
  /** The worst frame's kind of row, a tool or a pool. */
  worstKind: 'kind',
  /** The worst frame's per-pool active workers. */
  worstWorkers: 'active workers',
} as const;

/** The worst frame's kinds of row (mcp_model::columns::worst::TOOL and POOL). */
export const WORST_KINDS = {
  tool: 'tool',
  pool: 'pool',
} as const;

/** The exemplar frame's labels that mark a failed call (mcp_model::columns::exemplar). */
export const EXEMPLAR_LABELS = {
  status: 'status',
  errorType: 'error_type',
} as const;

/** The backend's status words (mcp_model::Status::as_str). */
export const STATUS_WORDS = {
  ok: 'ok',
  warn: 'warn',
  critical: 'critical',
} as const;

/** The query types whose answers the panel reads (mcp_model::QueryType::as_str). */
export const QUERY_TYPES = {
  summary: 'ecosystemSummary',
  toolHealth: 'toolHealth',
  poolCapacity: 'poolCapacity',
} as const;

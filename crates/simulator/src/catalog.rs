//! Who is in the ecosystem: each server's job, role and the stable label values it exports
//! (tool names, pools, agent types, adapters, cache layers, session operations, ...).

/// What a server does, which decides the families it exports beyond the common ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// mahavishnu: agents, worker pools, workflows.
    Orchestrator,
    /// akosha: memory syncs, stored memories, embeddings.
    Memory,
    /// session-buddy: sessions.
    Sessions,
    /// mcp-server-NN: only the common families.
    Generic,
}

/// The stable shape of one server.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSpec {
    pub job: String,
    pub role: Role,
    pub tools: Vec<String>,
    /// Mean request rate (req/s) on POST /mcp.
    pub base_rps: f64,
    /// Names of OTLP operations (`operations_total{operation}`).
    pub operations: Vec<&'static str>,
}

pub const HTTP_ROUTES: &[(&str, &str)] = &[("/mcp", "POST"), ("/mcp", "GET"), ("/health", "GET")];
pub const POOLS: &[(&str, f64, f64)] = &[("cpu", 4.0, 10.0), ("gpu", 3.0, 6.0), ("io", 3.0, 8.0)];
pub const AGENT_TYPES: &[&str] = &["coder", "reviewer", "researcher", "planner"];
pub const ADAPTERS: &[&str] = &["prefect", "agno", "llamaindex"];
pub const CACHE_LAYERS: &[&str] = &["l1", "l2"];
pub const CACHE_TYPES: &[&str] = &["tool_result", "query", "embedding"];
pub const SESSION_OPERATIONS: &[&str] = &["create", "resume", "checkpoint", "end", "search"];
pub const MEMORY_SOURCES: &[&str] = &["sessions", "documents", "repositories"];
pub const EMBEDDING_MODELS: &[&str] = &["nomic-embed-text", "all-minilm-l6-v2"];
/// MCP JSON-RPC methods for the otel profile's `mcp_method_name`.
pub const MCP_METHODS: &[&str] = &[
    "initialize",
    "tools/list",
    "tools/call",
    "resources/read",
    "prompts/get",
];

const MAHAVISHNU_TOOLS: &[&str] = &[
    "deploy",
    "run_workflow",
    "list_agents",
    "spawn_agent",
    "get_workflow_status",
    "list_repositories",
    "sync_repositories",
    "cancel_workflow",
];
const AKOSHA_TOOLS: &[&str] = &[
    "store_memory",
    "search_memories",
    "recall",
    "generate_embedding",
    "sync_knowledge",
    "list_collections",
    "delete_memory",
];
const SESSION_BUDDY_TOOLS: &[&str] = &[
    "start_session",
    "checkpoint",
    "end_session",
    "list_sessions",
    "get_session_context",
    "quality_score",
    "search_history",
];
const GENERIC_TOOLS: &[&str] = &[
    "read_file",
    "write_file",
    "search",
    "fetch_url",
    "run_query",
    "list_resources",
    "summarize",
    "get_status",
];

/// The ecosystem's servers: the three named ones, then `extra` generic ones
/// (`mcp-server-04`, ...). With `tools_per_server`, each server's list is padded with
/// `tool_NNN` names up to that count (named tools always stay).
pub fn ecosystem(extra: usize, tools_per_server: Option<usize>) -> Vec<ServerSpec> {
    let mut specs = vec![
        spec(
            "mahavishnu",
            Role::Orchestrator,
            MAHAVISHNU_TOOLS,
            60.0,
            vec!["process_repository", "execute_workflow", "route_task"],
        ),
        spec(
            "akosha",
            Role::Memory,
            AKOSHA_TOOLS,
            35.0,
            vec!["index_document", "sync_memory", "embed_batch"],
        ),
        spec(
            "session-buddy",
            Role::Sessions,
            SESSION_BUDDY_TOOLS,
            25.0,
            vec!["checkpoint_session", "compact_history"],
        ),
    ];
    for i in 0..extra {
        let n = i + 4;
        specs.push(spec(
            &format!("mcp-server-{n:02}"),
            Role::Generic,
            GENERIC_TOOLS,
            8.0 + (n % 7) as f64 * 2.0,
            vec!["handle_request", "refresh_cache"],
        ));
    }
    if let Some(want) = tools_per_server {
        for s in &mut specs {
            let mut k = s.tools.len();
            while s.tools.len() < want {
                k += 1;
                s.tools.push(format!("tool_{k:03}"));
            }
        }
    }
    specs
}

fn spec(
    job: &str,
    role: Role,
    tools: &[&str],
    base_rps: f64,
    operations: Vec<&'static str>,
) -> ServerSpec {
    ServerSpec {
        job: job.to_owned(),
        role,
        tools: tools.iter().map(|t| (*t).to_owned()).collect(),
        base_rps,
        operations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ecosystem_has_the_three_named_servers() {
        let jobs: Vec<_> = ecosystem(0, None).into_iter().map(|s| s.job).collect();
        assert_eq!(jobs, ["mahavishnu", "akosha", "session-buddy"]);
    }

    #[test]
    fn extra_servers_and_padding_reach_fifty_servers_and_two_thousand_tools() {
        let specs = ecosystem(47, Some(40));
        assert_eq!(specs.len(), 50);
        assert_eq!(specs[3].job, "mcp-server-04");
        assert_eq!(specs[49].job, "mcp-server-50");
        let tools: usize = specs.iter().map(|s| s.tools.len()).sum();
        assert_eq!(tools, 2000);
        assert!(specs[0].tools.contains(&"deploy".to_owned()));
        let mut names = specs[0].tools.clone();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 40, "tool names are unique within a server");
    }
}

//! The seam between what a query asks and what it runs. Each query type first plans its
//! upstream calls from the query, the time range and the settings ([`Plan`]), without I/O;
//! [`execute`] then runs exactly those calls and shapes the frames. The `promql` resource
//! answers with [`Plan::calls`], so the PromQL an editor previews is the PromQL that runs.

use bytes::Bytes;
use mcp_model::{Query, Step};
use serde::Serialize;

use super::ecosystem_summary::Summary;
use super::table::{self, Cells, Table, Verdict};
use super::timeseries::{self, RangeQuery};
use super::{encode, exemplars, Context, QueryFailure};

/// How an upstream call asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CallKind {
    /// `query_range` over the panel's range at a step.
    Range,
    /// `query` at the end of the panel's range.
    Instant,
    /// `query_exemplars` over the panel's range.
    Exemplars,
}

/// One upstream call a query makes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// The PromQL (a selector for exemplars).
    pub expr: String,
    /// How it is asked.
    pub kind: CallKind,
    /// Step of a range call, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_ms: Option<i64>,
    /// What the call answers, in a few words.
    pub purpose: String,
}

/// What judges one row of a table.
pub type Judge = Box<dyn Fn(&Cells<'_>) -> Verdict + Send + Sync>;

/// The upstream calls of one query and how their answers become frames.
pub enum Plan {
    /// Range queries, a frame per series.
    Lines {
        /// Step and aligned range of every call.
        step: Step,
        /// The calls, in frame order.
        queries: Vec<RangeQuery>,
        /// Exemplars asked beside the lines (`exemplars: true`): the bucket selector.
        exemplars: Option<String>,
    },
    /// Instant queries joined into one judged row per entity.
    Table {
        /// Frame name.
        name: &'static str,
        /// Keys and columns.
        table: Table,
        /// Status and reasons of a row.
        judge: Judge,
    },
    /// The ecosystem summary's tagged calls.
    Summary(Box<Summary>),
    /// Exemplars of the bucket selector.
    Exemplars(String),
}

impl Plan {
    /// A table plan.
    pub fn table(
        name: &'static str,
        table: Table,
        judge: impl Fn(&Cells<'_>) -> Verdict + Send + Sync + 'static,
    ) -> Plan {
        Plan::Table {
            name,
            table,
            judge: Box::new(judge),
        }
    }

    /// Range queries without exemplars.
    pub fn lines(ctx: &Context<'_>, queries: Vec<RangeQuery>) -> Plan {
        Plan::Lines {
            step: ctx.step(),
            queries,
            exemplars: None,
        }
    }

    /// Every upstream call, in the order they are sent (concurrently).
    pub fn calls(&self) -> Vec<Call> {
        match self {
            Plan::Lines {
                step,
                queries,
                exemplars,
            } => queries
                .iter()
                .map(|q| Call {
                    expr: q.expr.clone(),
                    kind: CallKind::Range,
                    step_ms: Some(step.step_ms),
                    purpose: q.purpose.clone(),
                })
                .chain(exemplars.iter().map(|e| exemplar_call(e)))
                .collect(),
            Plan::Table { table, .. } => table
                .columns
                .iter()
                .map(|c| Call {
                    expr: c.expr.clone(),
                    kind: CallKind::Instant,
                    step_ms: None,
                    purpose: c.title.to_string(),
                })
                .collect(),
            Plan::Summary(s) => s.calls(),
            Plan::Exemplars(e) => vec![exemplar_call(e)],
        }
    }
}

fn exemplar_call(expr: &str) -> Call {
    Call {
        expr: expr.to_string(),
        kind: CallKind::Exemplars,
        step_ms: None,
        purpose: "exemplars".to_string(),
    }
}

/// Runs the plan's calls and shapes the frames, encoded for the reply.
pub async fn execute(
    ctx: &Context<'_>,
    query: &Query,
    plan: Plan,
) -> Result<Vec<Bytes>, QueryFailure> {
    let frames = match plan {
        Plan::Lines {
            step,
            queries,
            exemplars: None,
        } => return Ok(timeseries::run(ctx, &step, queries).await?.into_frames()),
        Plan::Lines {
            step,
            queries,
            exemplars: Some(expr),
        } => {
            let lines = timeseries::run(ctx, &step, queries);
            return exemplars::with_lines(ctx, query, &expr, lines).await;
        }
        Plan::Table { name, table, judge } => table::run(ctx, name, table, judge).await?,
        Plan::Summary(s) => s.execute(ctx, query).await?,
        Plan::Exemplars(expr) => exemplars::run(ctx, query, &expr).await?,
    };
    encode(frames, ctx.ref_id).await
}

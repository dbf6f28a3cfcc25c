//! `requestRate`: requests per second per job.

use mcp_model::promql;
use mcp_model::{Family, Query};

use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let w = ctx.rate_window(query, &ctx.step());
    let requests = ctx.family(Family::HttpRequests, query);
    let expr = promql::sum_rate(&requests, "job", &w);
    Plan::lines(
        ctx,
        vec![RangeQuery::new(
            "requests per second",
            expr,
            "reqps",
            "{{job}}",
        )],
    )
}

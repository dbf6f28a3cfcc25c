//! `errorRate`: the share of failed requests per job, in percent.
//!
//! A job without a single failure shows 0 %, not a gap (see [`promql::percent_of`]).

use mcp_model::promql;
use mcp_model::{Family, Query};

use super::timeseries::RangeQuery;
use super::{Context, Plan};

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let w = ctx.rate_window(query, &ctx.step());
    let all = ctx.family(Family::HttpRequests, query);
    let errors = ctx.settings.profile.request_errors(all.clone());
    let expr = promql::percent_of(&errors, &all, "job", &w);
    Plan::lines(
        ctx,
        vec![RangeQuery::new(
            "share of failed requests",
            expr,
            "percent",
            "{{job}}",
        )],
    )
}

//! `sessions`: active sessions per job and session operations per operation and outcome;
//! the table gives operations/s and success % per (job, operation).

use mcp_model::columns;
use mcp_model::promql::{percent_of, sum_rate};
use mcp_model::{Family, Format, Query};

use super::table::{self, Column, Key, Table, Verdict};
use super::timeseries::RangeQuery;
use super::{Context, Plan};

const OPERATIONS: &str = "operations/s";
const SUCCESS: &str = "success %";

pub fn plan(ctx: &Context<'_>, query: &Query) -> Plan {
    let step = ctx.step();
    let w = ctx.rate_window(query, &step);
    let window_s = ctx.rate_window_s(query, &step);
    let active = ctx.family(Family::SessionsActive, query);
    let ops = ctx
        .family(Family::SessionOperations, query)
        .one_of("operation", &query.filters.operations);
    if ctx.format(query) == Format::Timeseries {
        return Plan::lines(
            ctx,
            vec![
                RangeQuery::new(
                    "active sessions",
                    format!("sum by (job) ({active})"),
                    "none",
                    "{{job}} active sessions",
                )
                .metric("sessions_active"),
                RangeQuery::new(
                    "session operations per second",
                    sum_rate(&ops, "operation, status", &w),
                    "ops",
                    "{{operation}} {{status}}",
                )
                .metric("operations_per_second"),
            ],
        );
    }
    let band = ctx.settings.thresholds.tool_success_percent;
    let keys = vec![
        Key::new("job", columns::SERVICE),
        Key::new("operation", "operation"),
    ];
    let by = table::by(&keys);
    let table = Table {
        columns: vec![
            Column::new(
                OPERATIONS,
                "operations_per_second",
                "ops",
                sum_rate(&ops, &by, &w),
            ),
            Column::new(
                SUCCESS,
                "success_percent",
                "percent",
                percent_of(&ops.clone().eq("status", "success"), &ops, &by, &w),
            )
            .with_band(band),
        ],
        keys,
    };
    Plan::table("sessions", table, move |row| {
        let op = row.key("operation");
        let mut v = Verdict::ok();
        v.judge_share(
            band,
            &format!("{op} operations"),
            row.get(SUCCESS),
            row.calls(OPERATIONS, window_s),
        );
        v
    })
}

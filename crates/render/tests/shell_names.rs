//! The panel shell reads the backend's frames by name, and those names are restated in
//! TypeScript, in one module (frontend/src/panel/names.ts) that the rest of the shell
//! imports. Should one drift from `mcp_model`, the shell would find no such frame or column
//! and quietly draw less (no tools section, every service sorted last, exemplars never
//! failing); this holds each of them, and the theme's colour names the shell sets, to the one
//! source on this side. The rehearsal's made-up frames are held by rehearsal.rs.

use std::collections::BTreeMap;

use mcp_model::columns::{self, exemplar, pool_capacity, summary, tool_health, worst};
use mcp_model::{QueryType, Status};
use mcp_render::{Colour, Mode, Theme};

fn shell_source(file: &str) -> String {
    let path = format!(
        "{}/../../frontend/src/panel/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every `export const GROUP = { key: 'value', ... } as const;` of names.ts, as
/// `GROUP.key` -> value.
fn shell_names() -> BTreeMap<String, String> {
    let source = shell_source("names.ts");
    let mut out = BTreeMap::new();
    for group in source.split("export const ").skip(1) {
        let name = group.split_whitespace().next().unwrap_or_default();
        let body = group.split('{').nth(1).and_then(|b| b.split('}').next());
        for line in body.unwrap_or_default().lines() {
            let Some((key, value)) = line.trim().split_once(": '") else {
                continue;
            };
            let value = value.trim_end_matches(',').trim_end_matches('\'');
            out.insert(format!("{name}.{key}"), value.to_string());
        }
    }
    out
}

#[test]
fn the_shells_names_are_the_backends() {
    let expected: BTreeMap<String, String> = [
        ("FRAMES.summary", summary::FRAME),
        ("FRAMES.worst", worst::FRAME),
        ("FRAMES.toolHealth", tool_health::FRAME),
        ("FRAMES.poolCapacity", pool_capacity::FRAME),
        ("FRAMES.exemplar", exemplar::FRAME),
        ("COLUMNS.service", columns::SERVICE),
        ("COLUMNS.status", columns::STATUS),
        ("COLUMNS.tool", tool_health::TOOL),
        ("COLUMNS.pool", pool_capacity::POOL),
        ("COLUMNS.worstKind", worst::KIND),
        ("COLUMNS.worstWorkers", worst::WORKERS),
        ("WORST_KINDS.tool", worst::TOOL),
        ("WORST_KINDS.pool", worst::POOL),
        ("EXEMPLAR_LABELS.status", exemplar::STATUS_LABEL),
        ("EXEMPLAR_LABELS.errorType", exemplar::ERROR_TYPE_LABEL),
        ("STATUS_WORDS.ok", Status::Ok.as_str()),
        ("STATUS_WORDS.warn", Status::Warn.as_str()),
        ("STATUS_WORDS.critical", Status::Critical.as_str()),
        ("QUERY_TYPES.summary", QueryType::EcosystemSummary.as_str()),
        ("QUERY_TYPES.toolHealth", QueryType::ToolHealth.as_str()),
        ("QUERY_TYPES.poolCapacity", QueryType::PoolCapacity.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Every name the module holds is checked: one added there must be added here.
    assert_eq!(shell_names(), expected);
}

/// The distinctive backend names, which no shell file but names.ts (and the rehearsal's
/// frames, held by rehearsal.rs) may spell out.
#[test]
fn no_other_shell_file_spells_a_backend_name() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/src/panel");
    let names = [
        summary::FRAME,
        tool_health::FRAME,
        pool_capacity::FRAME,
        worst::NAME,
        worst::WORKERS,
        exemplar::ERROR_TYPE_LABEL,
    ];
    let mut files = vec![];
    for sub in ["", "components/"] {
        let entries = std::fs::read_dir(format!("{dir}/{sub}"))
            .unwrap_or_else(|e| panic!("{dir}/{sub}: {e}"));
        for entry in entries.flatten() {
            let file = format!("{sub}{}", entry.file_name().to_string_lossy());
            let source = file.ends_with(".ts") || file.ends_with(".tsx");
            if source && !file.contains(".test.") && file != "names.ts" && file != "warmup.ts" {
                files.push(file);
            }
        }
    }
    assert!(files.iter().any(|f| f == "columns.ts"), "read {files:?}");
    for file in &files {
        let source = shell_source(file);
        for name in names {
            assert!(
                !source.contains(&format!("'{name}'")),
                "{file} spells '{name}': import it from names.ts"
            );
        }
    }
}

/// The colours `themeColours` (theme.ts) names, one a line as `name: value,`.
fn shell_colour_names() -> Vec<String> {
    let source = shell_source("theme.ts");
    let body = source
        .split("export function themeColours")
        .nth(1)
        .and_then(|f| f.split("return {").nth(1))
        .and_then(|b| b.split("};").next())
        .unwrap_or_default();
    body.lines()
        .filter_map(|l| l.trim().split_once(": ").map(|(k, _)| k.to_string()))
        .filter(|k| !k.starts_with("//"))
        .collect()
}

#[test]
fn every_colour_the_shell_sets_is_one_the_renderer_has() {
    let names = shell_colour_names();
    assert!(names.len() >= 10, "read {names:?}");
    let mut theme = Theme::of(Mode::Dark);
    for name in &names {
        // The shell sets them through `setColour`, which ignores a name it does not know.
        theme
            .set(name, "#010203")
            .unwrap_or_else(|e| panic!("theme.ts sets {name}: {e}"));
    }
    for rank in 0..3 {
        assert_eq!(
            theme.percentile(rank, 3),
            Colour::hex(0x010203),
            "the latency lines' colours are among those set"
        );
    }
}

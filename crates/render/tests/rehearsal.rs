//! The panel shell rehearses a draw on made-up frames while its query runs
//! (frontend/src/panel/warmup.ts), so that the first real draw runs no code for the first
//! time. Those frames restate the backend's column names in TypeScript; should they drift
//! from `mcp_model::columns`, the renderer would answer "not an ecosystemSummary answer"
//! and the rehearsal would no longer run what a real answer runs. This keeps them one fact.

use mcp_model::columns::{self, summary, worst};

/// Each `toDataFrame` of warmup.ts as its name and its fields' names.
fn rehearsal_frames() -> Vec<(String, Vec<String>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frontend/src/panel/warmup.ts"
    );
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let quoted = |s: &str| s.split('\'').nth(1).map(str::to_string);
    source
        .split("toDataFrame(")
        .skip(1)
        .map(|frame| {
            let name = frame
                .split("name: ")
                .nth(1)
                .and_then(quoted)
                .unwrap_or_default();
            let fields = frame
                .split(['(', ','])
                .zip(frame.split(['(', ',']).skip(1))
                .filter(|(call, _)| {
                    call.trim_end().ends_with("text") || call.trim_end().ends_with("number")
                })
                .filter_map(|(_, arg)| quoted(arg))
                .collect();
            (name, fields)
        })
        .collect()
}

#[test]
fn the_rehearsals_frames_are_an_ecosystem_summary_in_the_backends_names() {
    let frames = rehearsal_frames();
    let names: Vec<&str> = frames.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, [summary::FRAME, worst::FRAME]);

    let common = [columns::SERVICE, columns::STATUS, columns::REASONS];
    let services = [
        summary::UP,
        summary::REQUEST_RATE,
        summary::ERROR_PERCENT,
        summary::P95,
        summary::TOOL_SUCCESS,
        summary::TOOL_CALLS,
        summary::WORKERS,
        summary::SESSIONS,
        summary::CPU,
        summary::MEMORY,
    ];
    let mut expected: Vec<&str> = common.iter().chain(&services).copied().collect();
    assert_eq!(frames[0].1, expected, "every column of the services table");

    expected = common.to_vec();
    expected.insert(1, worst::KIND);
    expected.insert(2, worst::NAME);
    expected.extend([worst::SUCCESS, worst::WORKERS]);
    assert_eq!(frames[1].1, expected, "every column of the worst frame");
}

//! The panel's module.js starts loading the renderer's fonts at the page's first idle time,
//! before the `.wasm` is instantiated and can name them (`cssFonts`): frontend/src/panel/
//! wasm.ts restates their weights. Should they drift from the weights the renderer draws
//! in, a first draw would wait for a face nobody loaded early. This keeps them one fact.

use std::collections::BTreeSet;

use mcp_render::FONTS;

/// The weights of wasm.ts's early loads: the numbers of its `for (const weight of [...])`.
fn preloaded_weights() -> BTreeSet<u16> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frontend/src/panel/wasm.ts"
    );
    let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let list = source
        .split("for (const weight of [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("{path}: no `for (const weight of [...])`"));
    list.split(',')
        .map(|w| {
            w.trim()
                .parse()
                .unwrap_or_else(|e| panic!("{path}: weight {w:?}: {e}"))
        })
        .collect()
}

#[test]
fn the_shell_preloads_the_weights_the_renderer_draws_in() {
    let drawn: BTreeSet<u16> = FONTS.iter().map(|f| f.weight.css()).collect();
    assert_eq!(preloaded_weights(), drawn);
}

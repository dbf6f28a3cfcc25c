//! What a service's tile says when many share the panel: a wall display of fifty services
//! must still tell which service a tile is and how it is doing.

use mcp_model::Status;
use mcp_render::sample::{self, TextLog};
use mcp_render::{draw_content, Detail, Font, Layout, Scratch, Summary, Theme, View, Weight};

const NAME: Font = Font {
    size: 13.0,
    weight: Weight::Bold,
};

/// Fifty services as the simulator names them: three, then `mcp-server-04` to `-50`.
fn fifty() -> Summary {
    // No latency lines: the browser test asks for the summary alone.
    let mut summary = sample::ecosystem(50, 1, 0, 0);
    for (i, svc) in summary.services.iter_mut().enumerate().skip(3) {
        let name = format!("mcp-server-{:02}", i + 1);
        for g in &mut summary.tool_groups {
            if g.service == svc.name {
                g.service.clone_from(&name);
            }
        }
        svc.name = name;
    }
    summary
}

/// The texts drawn inside one tile, with their fonts.
type Tile = Vec<(String, Font)>;

/// The texts `summary` draws laid out as `layout` (computed at `width` x `height`).
fn drawn(summary: &Summary, mut layout: Layout, width: f32, height: f32) -> (Layout, TextLog) {
    layout.compute(summary, width, height);
    let mut s = TextLog::default();
    draw_content(
        &mut s,
        &layout,
        summary,
        &Theme::dark(),
        &View::default(),
        &mut Scratch::default(),
    );
    (layout, s)
}

/// The texts drawn inside each tile, by tile.
fn per_tile(layout: &Layout, s: &TextLog) -> Vec<Tile> {
    layout
        .tiles
        .iter()
        .map(|r| s.inside(*r).map(|(t, f)| (t.to_string(), f)).collect())
        .collect()
}

/// The texts drawn inside each tile, by tile.
fn drawn_in_tiles(summary: &Summary, width: f32, height: f32) -> (Layout, Vec<Tile>) {
    let (layout, s) = drawn(summary, Layout::default(), width, height);
    let tiles = per_tile(&layout, &s);
    (layout, tiles)
}

/// Each tile's name (its text in the name's font).
fn names(tiles: &[Tile]) -> Vec<String> {
    tiles
        .iter()
        .map(|texts| {
            texts
                .iter()
                .find(|(_, f)| *f == NAME)
                .map(|(t, _)| t.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// The fifty services on a panel of `width` x `height`, whose tiles must be compact: the
/// texts in each tile and each tile's name.
fn fifty_compact(width: f32, height: f32) -> (Summary, Vec<Tile>, Vec<String>) {
    let summary = fifty();
    let (layout, tiles) = drawn_in_tiles(&summary, width, height);
    assert_eq!(layout.detail, Detail::Compact, "{:?}", layout.tiles[0]);
    let names = names(&tiles);
    (summary, tiles, names)
}

fn assert_distinct(names: &[String]) {
    let mut distinct = names.to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), names.len(), "tiles named alike: {names:?}");
}

#[test]
fn fifty_compact_tiles_each_name_their_service_and_show_its_rate_and_errors() {
    // The browser test's fifty-services panel: 1200 x 640, the worst tools and pools below.
    let (summary, tiles, names) = fifty_compact(1200.0, 640.0);
    for ((svc, texts), name) in summary.services.iter().zip(&tiles).zip(&names) {
        assert!(
            !name.ends_with('…') && svc.name.ends_with(name.trim_start_matches('…')),
            "{}'s tile is named {name:?}",
            svc.name
        );
        for label in ["req", "5xx"] {
            assert!(
                texts.iter().any(|(t, _)| t == label),
                "{}'s tile shows no {label}: {texts:?}",
                svc.name
            );
        }
        if svc.status != Status::Ok {
            let reason = &svc.reasons[0];
            assert!(
                texts
                    .iter()
                    .any(|(t, _)| reason.starts_with(t.trim_end_matches('…'))),
                "{}'s tile does not say why it is {:?}: {texts:?}",
                svc.name,
                svc.status
            );
        }
    }
    assert_distinct(&names);
}

#[test]
fn tiles_too_narrow_for_a_whole_name_leave_out_what_the_services_share() {
    // 720 px wide, the tiles are narrower than "mcp-server-04" (about 100 px at 13 px).
    let (summary, _, names) = fifty_compact(720.0, 640.0);
    assert!(names[4].starts_with('…'), "{names:?}");
    for (svc, name) in summary.services.iter().zip(&names) {
        // A name that shares nothing is cut at its end.
        let whole = name.trim_start_matches('…');
        assert!(
            svc.name.ends_with(whole) || svc.name.starts_with(name.trim_end_matches('…')),
            "{} named {name:?}",
            svc.name
        );
    }
    assert_distinct(&names);
}

#[test]
fn services_that_share_nothing_keep_their_whole_names_on_wide_tiles() {
    let summary = sample::ecosystem(3, 2, 10, 0);
    let (layout, tiles) = drawn_in_tiles(&summary, 1200.0, 500.0);
    assert_eq!(layout.detail, Detail::Full);
    for (svc, texts) in summary.services.iter().zip(&tiles) {
        assert!(
            texts.iter().any(|(t, f)| *f == NAME && *t == svc.name),
            "{}: {texts:?}",
            svc.name
        );
    }
}

#[test]
fn the_tool_grid_names_its_rows_without_what_the_services_share() {
    // The browser test's fifty-services panel, whose grid's labels were "mcp-serv…"; a
    // dozen of them with tools (fifty rows are too thin for labels).
    let mut summary = fifty();
    summary.tool_groups.truncate(12);
    let (layout, s) = drawn(&summary, Layout::default(), 720.0, 640.0);
    let mut labels = Vec::new();
    for row in layout.tool_rows.iter().filter(|r| !r.label.is_empty()) {
        let service = &summary.tool_groups[row.group].service;
        let label = s
            .inside(row.label)
            .map(|(t, _)| t.to_string())
            .next()
            .unwrap_or_default();
        let whole = label.trim_start_matches('…');
        if service.starts_with("mcp-server-") {
            assert!(
                !label.ends_with('…') && service.ends_with(whole),
                "{service}'s row is labelled {label:?}"
            );
        } else {
            // A name that shares nothing is cut at its end.
            assert!(
                service.starts_with(label.trim_end_matches('…')) && !label.is_empty(),
                "{service}'s row is labelled {label:?}"
            );
        }
        labels.push(label);
    }
    assert!(
        labels.len() > 3 && labels.iter().any(|l| l.starts_with('…')),
        "{labels:?}"
    );
    assert_distinct(&labels);
}

#[test]
fn a_maximum_of_tiles_draws_the_first_services_and_counts_every_one() {
    let summary = fifty();
    let [ok, warn, critical] = summary.counts();
    let five = Layout {
        max_tiles: 5,
        ..Layout::default()
    };
    let (mut layout, s) = drawn(&summary, five, 1920.0, 1080.0);
    assert_eq!((layout.tiles.len(), layout.tiles_hidden), (5, 45));
    // The header's texts: its counts, and at its right end how many more there are.
    let header: Vec<&str> = s
        .texts
        .iter()
        .filter(|(_, _, y, ..)| *y == layout.header.y + layout.header.h / 2.0)
        .map(|(t, ..)| t.as_str())
        .collect();
    let expected = [
        "50 services".to_string(),
        format!("{critical} critical"),
        format!("{warn} warn"),
        format!("{ok} ok"),
        "+45 more services".to_string(),
    ];
    assert_eq!(header, expected);
    let names = names(&per_tile(&layout, &s));
    let first: Vec<&str> = summary.services[..5]
        .iter()
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(names, first);

    // One more reads as one; in a panel too narrow for it beside the counts, it is left out.
    let four = |width: f32| {
        let mut summary = fifty();
        summary.services.truncate(5);
        let limit = Layout {
            max_tiles: 4,
            ..Layout::default()
        };
        let (layout, s) = drawn(&summary, limit, width, 600.0);
        let more: Vec<String> = s
            .texts
            .iter()
            .filter(|(t, ..)| t.starts_with('+') && t.contains(" more service"))
            .map(|(t, ..)| t.clone())
            .collect();
        (layout.tiles_hidden, more)
    };
    assert_eq!(four(1200.0), (1, vec!["+1 more service".to_string()]));
    assert_eq!(four(300.0), (1, vec![]));

    // 0 is every service.
    layout.max_tiles = 0;
    layout.compute(&summary, 1920.0, 1080.0);
    assert_eq!((layout.tiles.len(), layout.tiles_hidden), (50, 0));
}

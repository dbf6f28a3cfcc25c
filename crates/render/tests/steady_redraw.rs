//! A steady redraw (same data, same size, the pointer moving over tiles, the plot and a
//! latency line) allocates nothing.

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mcp_render::sample::{self, Tally};
use mcp_render::{draw, hit, Layout, Scale, Scratch, Summary, Target, Theme, View, Zone};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn redraws_after_the_first_allocate_nothing() {
    // A sample every 180 ms; the dashboard's range from between two to between two, so
    // that the lines are drawn to its edges from samples outside.
    let mut frames = sample::frames(50, 10, 20_000, 10_000);
    frames.time_range(sample::START_MS + 90.0, sample::START_MS + 3_599_700.0);
    let summary = Summary::from_frames(frames).expect("a summary");
    let mut layout = Layout::default();
    layout.compute(&summary, 1920.0, 1080.0);
    let theme = Theme::dark();
    let mut scratch = Scratch::default();
    let mut surface = Tally::default();
    // Times in a zone other than UTC, as in the browser.
    let mut view = View {
        dpr: 2.0,
        zone: Zone::new(|ms| if ms < 1.8e12 { 330.0 } else { 345.0 }),
        ..View::default()
    };
    draw(&mut surface, &layout, &summary, &theme, &view, &mut scratch);
    let first = surface.clone();

    // A point on a latency line, away from the exemplars' dots: its marker is drawn too.
    let scale = Scale::of(&summary, layout.plot).expect("a latency strip");
    let line = &summary.latency[7];
    let on_line = (0..line.time.len())
        .step_by(97)
        .map(|i| (scale.x(line.time[i]), scale.y(line.value[i])))
        .find(|&(x, y)| matches!(hit(&layout, &summary, x, y), Target::Line { .. }))
        .expect("a point of the line no dot covers");

    COUNTING.store(true, Ordering::SeqCst);
    for (x, y) in [(40.0, 60.0), (900.0, 700.0), (1500.0, 1000.0), on_line] {
        view.hover = hit(&layout, &summary, x, y);
        surface.reset();
        draw(&mut surface, &layout, &summary, &theme, &view, &mut scratch);
    }
    COUNTING.store(false, Ordering::SeqCst);

    assert_eq!(
        ALLOCATIONS.load(Ordering::SeqCst),
        0,
        "allocations in steady redraws"
    );
    assert!(first.texts > 50 * 9, "every tile's values drawn: {first:?}");
    // The failing exemplars' circles go into the lines' pixels; the others are squares.
    let passing = summary.exemplars.failing.iter().filter(|f| !**f).count();
    assert!(
        passing > 9_000 && first.path_points >= passing,
        "every passing exemplar drawn: {} of {passing}",
        first.path_points
    );
}

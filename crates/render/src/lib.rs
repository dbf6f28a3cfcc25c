//! The renderer of the MCP ecosystem overview panel (`mahavishnu-mcpecosystem-panel`):
//! every MCP server with its health, the failing tools, the exhausted pools and the slow
//! traces, drawn by Rust on a canvas.
//!
//! The data flows one way: frames -> typed columns -> model -> layout -> draw.
//!
//! - [`Frames`] holds the panel's answer as the TypeScript shell hands it over: per frame
//!   its name and its fields as typed columns (`Float64Array`s with NaN for gaps, text as
//!   offsets into UTF-8 bytes), with labels and link templates.
//! - [`Summary::from_frames`] reads the `ecosystemSummary` frames (and `toolHealth`,
//!   `poolCapacity`, `requestLatency` and exemplar frames when present) by the column
//!   names of [`mcp_model::columns`], the names the backend writes; anything else is a
//!   [`Problem`] that says which query to add: the panel's message, which the shell shows
//!   as text over the background [`draw_background`] paints.
//! - [`Layout::compute`] places tiles, the tool grid, the pool bars and the latency strip;
//!   [`hit`] and [`next_focus`] find what the pointer or the keyboard is on, [`info`]
//!   its tooltip and link, [`anchor`] where the keyboard's tooltip hangs. Times read in the dashboard's time zone, a [`Zone`] (UTC unless
//!   the browser's shell hands one over).
//! - [`draw`] paints on a [`Surface`]: [`Bitmap`] natively (plotters, PNG), the canvas
//!   in the browser. Latency lines are reduced to min/max per pixel column
//!   ([`decimate::min_max`]) first.
//!
//! In the browser, `Renderer` (wasm-bindgen) wraps all of it around an
//! `HtmlCanvasElement`. `scripts/build-wasm.sh` builds it into `dist/wasm/` (git-ignored):
//! `mcp_render_bg.wasm`, the glue `mcp_render.js` (wasm-bindgen `--target web`: its
//! default export `init(url)` loads the `.wasm`) and `mcp_render.d.ts`.
//!
//! ```
//! use mcp_render::{draw, sample, Bitmap, Layout, Scratch, Theme, View};
//!
//! let summary = sample::ecosystem(3, 4, 100, 50);
//! let mut layout = Layout::default();
//! layout.compute(&summary, 800.0, 500.0);
//! let mut bitmap = Bitmap::new(800.0, 500.0, 1.0);
//! let view = View { dpr: 1.0, ..View::default() };
//! draw(&mut bitmap, &layout, &summary, &Theme::dark(), &view, &mut Scratch::default());
//! assert_eq!(bitmap.size(), (800, 500));
//! ```

pub mod decimate;
mod describe;
mod draw;
mod format;
mod hit;
mod input;
mod layout;
mod summary;
mod text;
mod theme;

#[cfg(not(target_arch = "wasm32"))]
mod bitmap;
#[cfg(not(target_arch = "wasm32"))]
pub mod sample;

#[cfg(target_arch = "wasm32")]
mod canvas;
#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(not(target_arch = "wasm32"))]
pub use bitmap::Bitmap;
pub use describe::describe;
pub use draw::{
    draw, draw_background, draw_content, draw_highlights, tool_cell_width, Align, Font, Pixels,
    Scratch, Surface, View, Weight, FONTS,
};
pub use format::Zone;
pub use hit::{anchor, hit, info, named, next_focus, refind, Info, Named, Target};
pub use input::{Field, Frame, Frames, InputError, Kept, Steps, Texts, Values};
pub use layout::{Detail, Layout, Rect, Scale};
pub use summary::{
    Bands, Exemplars, Pool, Problem, Series, Service, StatusBand, Summary, Tool, ToolGroup,
};
pub use theme::{Colour, Mode, Theme, ThemeError};
#[cfg(target_arch = "wasm32")]
pub use wasm::{HitInfo, Renderer};

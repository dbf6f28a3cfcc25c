//! The panel's latency strip as plotters draws it on its HTML canvas backend
//! (`plotters-canvas`): the contender that the `plotters` part of
//! `tests/browser/panel-budgets.mjs` times against the renderer (`crates/render`, which
//! makes its Canvas 2D calls itself) and uPlot, on the same `Float64Array`s. Not part of
//! the plugin: `build.sh` builds it for the benchmark, and nothing else does.
//!
//! [`PlottersStrip`] holds one line (`setData` copies it into the module's memory, as the
//! renderer's hand-over does) and draws it as a plotters chart: the background, a mesh
//! with time and value labels, the line 1 px wide, in the renderer's dark theme. With
//! `every_point` it hands plotters every sample (plotters as one uses it); without, it
//! first reduces the line to min/max per pixel column with the renderer's own
//! [`mcp_render::decimate::min_max`], so that plotters strokes as few points as the
//! renderer does and only the way to the canvas differs. [`PlottersStrip::set_plot`] puts
//! the chart's plot where the renderer's is, on the renderer's value scale, so that the
//! line covers the same pixels as the renderer's.

use mcp_render::decimate::{min_max, Column};
use mcp_render::{Colour, Theme};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// One line on a canvas, drawn by plotters.
#[wasm_bindgen]
pub struct PlottersStrip {
    canvas: HtmlCanvasElement,
    every_point: bool,
    time: Vec<f64>,
    value: Vec<f64>,
    /// The values' range, worked out when the data comes (as uPlot does).
    low: f64,
    high: f64,
    /// Where the plot goes and the value at its top edge (`set_plot`), if set.
    plot: Option<Plot>,
    columns: Vec<Column>,
    points: Vec<(f64, f64)>,
}

/// A plot box in canvas pixels, from 0 at its bottom edge to `top` at its top edge.
#[derive(Clone, Copy)]
struct Plot {
    left: u32,
    top_edge: u32,
    width: u32,
    height: u32,
    top: f64,
}

fn rgb(c: Colour) -> RGBColor {
    RGBColor(c.r, c.g, c.b)
}

/// `hh:mm` of a time in milliseconds since the epoch, UTC.
fn clock(ms: &f64) -> String {
    let minutes = (ms / 60_000.0).floor() as i64;
    format!(
        "{:02}:{:02}",
        minutes.div_euclid(60).rem_euclid(24),
        minutes.rem_euclid(60)
    )
}

#[wasm_bindgen]
impl PlottersStrip {
    /// A strip drawing on `canvas` at its size in pixels; every sample handed to plotters
    /// when `every_point`, min/max per pixel column otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(canvas: HtmlCanvasElement, every_point: bool) -> PlottersStrip {
        PlottersStrip {
            canvas,
            every_point,
            time: Vec::new(),
            value: Vec::new(),
            low: 0.0,
            high: 1.0,
            plot: None,
            columns: Vec::new(),
            points: Vec::new(),
        }
    }

    /// New data: times in milliseconds, ascending, and their values (NaN a gap).
    #[wasm_bindgen(js_name = setData)]
    pub fn set_data(&mut self, time: Vec<f64>, value: Vec<f64>) -> Result<(), JsError> {
        if time.len() != value.len() {
            return Err(JsError::new(&format!(
                "setData: {} times but {} values; give one value per time",
                time.len(),
                value.len()
            )));
        }
        let (low, high) = value
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        (self.low, self.high) = if low < high {
            (low, high)
        } else if low.is_finite() {
            (low - 1.0, low + 1.0)
        } else {
            (0.0, 1.0)
        };
        self.time = time;
        self.value = value;
        Ok(())
    }

    /// Draws the plot at `left`, `top_edge` (canvas pixels), `width` x `height`, its values
    /// from 0 at the bottom edge to `top` at the top edge (the value labels and the time
    /// labels in the margins left and below); without, the chart fills the canvas and
    /// spans the values' range.
    #[wasm_bindgen(js_name = setPlot)]
    pub fn set_plot(
        &mut self,
        left: u32,
        top_edge: u32,
        width: u32,
        height: u32,
        top: f64,
    ) -> Result<(), JsError> {
        let (cw, ch) = (self.canvas.width(), self.canvas.height());
        if left < 48
            || left.saturating_add(width) > cw
            || top_edge.saturating_add(height) > ch
            || !top.is_finite()
            || top <= 0.0
        {
            return Err(JsError::new(&format!(
                "setPlot: a plot of {width} x {height} at ({left}, {top_edge}) up to {top} \
                 does not fit a {cw} x {ch} canvas with 48 px left for the value labels; \
                 give a box inside the canvas and a finite top above 0"
            )));
        }
        self.plot = Some(Plot {
            left,
            top_edge,
            width,
            height,
            top,
        });
        Ok(())
    }

    /// Paints everything: background, mesh, labels and the line.
    pub fn draw(&mut self) -> Result<(), JsError> {
        let backend = CanvasBackend::with_canvas_object(self.canvas.clone())
            .ok_or_else(|| JsError::new("the canvas has no 2d context"))?;
        let theme = Theme::dark();
        let root = backend.into_drawing_area();
        root.fill(&rgb(theme.background)).map_err(err)?;
        let (t0, t1) = match (self.time.first(), self.time.last()) {
            (Some(&a), Some(&b)) if a < b => (a, b),
            _ => (0.0, 1.0),
        };
        let mut builder = ChartBuilder::on(&root);
        let values = match self.plot {
            Some(p) => {
                let (cw, ch) = (self.canvas.width(), self.canvas.height());
                builder
                    .margin_left(p.left - 48)
                    .margin_top(p.top_edge)
                    .margin_right(cw - p.left - p.width)
                    .margin_bottom(0)
                    .x_label_area_size(ch - p.top_edge - p.height)
                    .y_label_area_size(48);
                0.0..p.top
            }
            None => {
                builder
                    .margin(8)
                    .x_label_area_size(24)
                    .y_label_area_size(48);
                self.low..self.high
            }
        };
        let mut chart = builder.build_cartesian_2d(t0..t1, values).map_err(err)?;
        let text = rgb(theme.text_weak);
        chart
            .configure_mesh()
            .x_labels(10)
            .y_labels(5)
            .x_label_formatter(&clock)
            .label_style(("Inter, Helvetica, Arial, sans-serif", 12, &text))
            .bold_line_style(rgb(theme.border))
            .light_line_style(TRANSPARENT)
            .axis_style(rgb(theme.border))
            .draw()
            .map_err(err)?;
        let style = ShapeStyle::from(rgb(theme.percentile(0, 1))).stroke_width(1);
        if self.every_point {
            let line = self.time.iter().copied().zip(self.value.iter().copied());
            chart
                .draw_series(LineSeries::new(line, style))
                .map_err(err)?;
            return Ok(());
        }
        // The renderer's decimation, over the plot's width in pixels; each column's
        // samples as the renderer strokes them: first, lowest, highest, last.
        let width = chart.plotting_area().dim_in_pixel().0;
        min_max(&self.time, &self.value, t0, t1, width, &mut self.columns);
        let per = (t1 - t0) / f64::from(width.max(1));
        self.points.clear();
        let mut from = 0;
        for c in &self.columns {
            if c.gap_before && self.points.len() > from {
                chart
                    .draw_series(LineSeries::new(self.points[from..].iter().copied(), style))
                    .map_err(err)?;
                from = self.points.len();
            }
            // As the renderer's `line`: a column of one sample is one point.
            let t = t0 + (f64::from(c.x) + 0.5) * per;
            self.points.push((t, c.first));
            if c.min != c.max {
                self.points.extend([(t, c.min), (t, c.max)]);
            }
            if c.min != c.max || c.last != c.first {
                self.points.push((t, c.last));
            }
        }
        chart
            .draw_series(LineSeries::new(self.points[from..].iter().copied(), style))
            .map_err(err)?;
        Ok(())
    }
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("plotters: {e}"))
}

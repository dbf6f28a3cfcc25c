//! Min/max decimation per pixel column: a line of a million samples drawn as at most four
//! points per column (where it enters, its lowest, its highest, where it leaves), which
//! draws the same pixels as the full line.

/// The samples of one line that fall into one pixel column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Column index, 0 at the left edge.
    pub x: u32,
    /// Value of the first sample in the column.
    pub first: f64,
    /// Lowest value.
    pub min: f64,
    /// Highest value.
    pub max: f64,
    /// Value of the last sample.
    pub last: f64,
    /// A gap (NaN) comes before this column's first sample: the line breaks here.
    pub gap_before: bool,
}

/// The samples of a line inside `[t0, t1]` of a plot `width` pixel columns wide, the column
/// each falls into, and where the line crosses the plot's edges.
pub struct Window<'a> {
    /// Times, ascending, of the samples inside.
    pub time: &'a [f64],
    /// Their values (NaN a gap).
    pub value: &'a [f64],
    /// The line's value at `t0` (column 0), when its segment from the last sample before
    /// `t0` to the next crosses it: interpolated between the two, NaN when either is a gap.
    /// Whether there is one depends on the times alone.
    pub enter: Option<f64>,
    /// The line's value at `t1` (the last column), likewise, from the last sample at or
    /// before it to the first after.
    pub leave: Option<f64>,
    t0: f64,
    per: f64,
    last: u32,
}

/// The value at `t` of the segment from sample `i - 1` to sample `i`, when `t` lies
/// strictly between their times.
fn crossing(time: &[f64], value: &[f64], i: usize, t: f64) -> Option<f64> {
    let (ta, tb) = (*time.get(i.checked_sub(1)?)?, *time.get(i)?);
    let (va, vb) = (value[i - 1], value[i]);
    (ta < t && t < tb).then(|| va + (vb - va) * ((t - ta) / (tb - ta)))
}

impl<'a> Window<'a> {
    /// The samples of `time` (ascending) and `value` inside `[t0, t1]`; none for an empty
    /// plot or range.
    pub fn of(time: &'a [f64], value: &'a [f64], t0: f64, t1: f64, width: u32) -> Option<Self> {
        if width == 0 || t1.partial_cmp(&t0) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let n = time.len().min(value.len());
        let (time, value) = (&time[..n], &value[..n]);
        let start = time.partition_point(|&t| t < t0);
        let end = time.partition_point(|&t| t <= t1).max(start);
        Some(Window {
            time: &time[start..end],
            value: &value[start..end],
            enter: crossing(time, value, start, t0),
            leave: crossing(time, value, end, t1),
            t0,
            per: f64::from(width) / (t1 - t0),
            last: width - 1,
        })
    }

    /// The pixel column of time `t`, 0 at the left edge.
    #[inline(always)]
    pub fn column(&self, t: f64) -> u32 {
        (((t - self.t0) * self.per) as u32).min(self.last)
    }

    /// The last pixel column, `leave`'s.
    pub fn last(&self) -> u32 {
        self.last
    }
}

/// Reduces the samples of `time` (ascending) and `value` inside `[t0, t1]` to at most one
/// [`Column`] per pixel column of a plot `width` columns wide (more only where a gap
/// splits a column), into `out`, which is cleared first and reused without allocating
/// once it has grown. A segment crossing the plot's left or right edge adds its value
/// there ([`Window::enter`], [`Window::leave`]) to the first or last column: the line runs
/// to the edge.
pub fn min_max(time: &[f64], value: &[f64], t0: f64, t1: f64, width: u32, out: &mut Vec<Column>) {
    out.clear();
    let Some(w) = Window::of(time, value, t0, t1, width) else {
        return;
    };
    let mut gap = false;
    let mut cur = Column {
        x: u32::MAX,
        first: 0.0,
        min: 0.0,
        max: 0.0,
        last: 0.0,
        gap_before: false,
    };
    let mut add = |x: u32, v: f64| {
        if v.is_nan() {
            gap = true;
            return;
        }
        if x == cur.x && !gap {
            if v < cur.min {
                cur.min = v;
            } else if v > cur.max {
                cur.max = v;
            }
            cur.last = v;
            return;
        }
        if cur.x != u32::MAX {
            out.push(cur);
        }
        cur = Column {
            x,
            first: v,
            min: v,
            max: v,
            last: v,
            gap_before: gap,
        };
        gap = false;
    };
    if let Some(v) = w.enter {
        add(0, v);
    }
    for (&t, &v) in w.time.iter().zip(w.value) {
        add(w.column(t), v);
    }
    if let Some(v) = w.leave {
        add(w.last(), v);
    }
    if cur.x != u32::MAX {
        out.push(cur);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(time: &[f64], value: &[f64], t0: f64, t1: f64, width: u32) -> Vec<Column> {
        let mut out = Vec::new();
        min_max(time, value, t0, t1, width, &mut out);
        out
    }

    #[test]
    fn each_column_keeps_its_extremes_and_ends() {
        // A deterministic wiggle of 100,000 points into 200 columns.
        let n = 100_000;
        let time: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let value: Vec<f64> = (0..n)
            .map(|i| ((i as f64) * 0.37).sin() * (1.0 + (i % 97) as f64))
            .collect();
        let cols = run(&time, &value, 0.0, n as f64, 200);
        assert_eq!(cols.len(), 200);
        for (c, col) in cols.iter().enumerate() {
            assert_eq!(col.x, c as u32);
            let slice = &value[c * 500..(c + 1) * 500];
            let (lo, hi) = slice
                .iter()
                .fold((f64::MAX, f64::MIN), |a, v| (a.0.min(*v), a.1.max(*v)));
            assert_eq!((col.min, col.max), (lo, hi), "column {c}");
            assert_eq!(col.first, slice[0]);
            assert_eq!(col.last, slice[499]);
            assert!(!col.gap_before);
        }
    }

    #[test]
    fn samples_outside_the_range_are_left_out() {
        let time = [0.0, 10.0, 20.0, 30.0, 40.0];
        let value = [9.0, 1.0, 2.0, 3.0, 9.0];
        let cols = run(&time, &value, 10.0, 30.0, 2);
        assert_eq!(cols.len(), 2);
        assert_eq!((cols[0].min, cols[0].max), (1.0, 1.0));
        assert_eq!(
            (cols[1].min, cols[1].max),
            (2.0, 3.0),
            "t1 falls in the last column"
        );
    }

    #[test]
    fn a_line_crossing_the_plots_edges_runs_to_them() {
        // A sample a step before the range and one after it: the line enters at column 0
        // and leaves at the last, at its values interpolated there.
        let time = [0.0, 10.0, 20.0, 30.0];
        let value = [1.0, 3.0, 5.0, 7.0];
        let cols = run(&time, &value, 5.0, 25.0, 4);
        let ends: Vec<(u32, f64, f64)> = cols.iter().map(|c| (c.x, c.first, c.last)).collect();
        assert_eq!(ends, [(0, 2.0, 2.0), (1, 3.0, 3.0), (3, 5.0, 6.0)]);
        // A range between two samples: a segment from edge to edge.
        let cols = run(&time, &value, 12.0, 18.0, 10);
        let ends: Vec<(u32, f64)> = cols.iter().map(|c| (c.x, c.first)).collect();
        assert_eq!(ends.len(), 2);
        assert_eq!((ends[0].0, ends[1].0), (0, 9));
        assert!((ends[0].1 - 3.4).abs() < 1e-12 && (ends[1].1 - 4.6).abs() < 1e-12);
        // A gap on either side of an edge: nothing there, the line starts at its first
        // sample inside.
        let cols = run(&time, &[f64::NAN, 3.0, 5.0, f64::NAN], 5.0, 25.0, 4);
        let xs: Vec<u32> = cols.iter().map(|c| c.x).collect();
        assert_eq!(xs, [1, 3]);
        // Samples on the edges: no crossing, nothing added.
        assert_eq!(run(&time, &value, 10.0, 20.0, 2).len(), 2);
    }

    #[test]
    fn a_gap_breaks_the_line() {
        let time = [0.0, 1.0, 2.0, 3.0];
        let value = [1.0, f64::NAN, 3.0, 4.0];
        let cols = run(&time, &value, 0.0, 4.0, 4);
        let xs: Vec<(u32, bool)> = cols.iter().map(|c| (c.x, c.gap_before)).collect();
        assert_eq!(xs, [(0, false), (2, true), (3, false)]);
    }

    #[test]
    fn sparse_data_keeps_every_point_and_empty_input_gives_nothing() {
        let time = [0.0, 50.0, 100.0];
        let value = [1.0, 2.0, 3.0];
        assert_eq!(run(&time, &value, 0.0, 100.0, 1000).len(), 3);
        assert!(run(&[], &[], 0.0, 1.0, 100).is_empty());
        assert!(run(&time, &value, 5.0, 5.0, 100).is_empty(), "empty range");
        assert!(run(&time, &value, 0.0, 100.0, 0).is_empty(), "no width");
    }

    #[test]
    fn the_output_buffer_is_reused() {
        let time: Vec<f64> = (0..10_000).map(f64::from).collect();
        let mut out = Vec::new();
        min_max(&time, &time, 0.0, 10_000.0, 500, &mut out);
        let cap = out.capacity();
        let ptr = out.as_ptr();
        min_max(&time, &time, 0.0, 10_000.0, 400, &mut out);
        assert_eq!((out.capacity(), out.as_ptr()), (cap, ptr));
        assert_eq!(out.len(), 400);
    }
}

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

/// The samples of a line inside `[t0, t1]` of a plot `width` pixel columns wide, and the
/// column each falls into.
pub struct Window<'a> {
    /// Times, ascending, of the samples inside.
    pub time: &'a [f64],
    /// Their values (NaN a gap).
    pub value: &'a [f64],
    t0: f64,
    per: f64,
    last: u32,
}

impl<'a> Window<'a> {
    /// The samples of `time` (ascending) and `value` inside `[t0, t1]`; none for an empty
    /// plot or range.
    pub fn of(time: &'a [f64], value: &'a [f64], t0: f64, t1: f64, width: u32) -> Option<Self> {
        if width == 0 || t1.partial_cmp(&t0) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let n = time.len().min(value.len());
        let time = &time[..n];
        let start = time.partition_point(|&t| t < t0);
        let end = time.partition_point(|&t| t <= t1).max(start);
        Some(Window {
            time: &time[start..end],
            value: &value[start..end],
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
}

/// Reduces the samples of `time` (ascending) and `value` inside `[t0, t1]` to at most one
/// [`Column`] per pixel column of a plot `width` columns wide (more only where a gap
/// splits a column), into `out`, which is cleared first and reused without allocating
/// once it has grown.
pub fn min_max(time: &[f64], value: &[f64], t0: f64, t1: f64, width: u32, out: &mut Vec<Column>) {
    out.clear();
    let Some(w) = Window::of(time, value, t0, t1, width) else {
        return;
    };
    let end = w.time.len();
    let mut gap = false;
    let mut cur = Column {
        x: u32::MAX,
        first: 0.0,
        min: 0.0,
        max: 0.0,
        last: 0.0,
        gap_before: false,
    };
    // One step past the last sample flushes the last column.
    for i in 0..end + 1 {
        let (x, v) = if i < end {
            let v = w.value[i];
            if v.is_nan() {
                gap = true;
                continue;
            }
            (w.column(w.time[i]), v)
        } else {
            (u32::MAX, 0.0)
        };
        if x == cur.x && !gap {
            if v < cur.min {
                cur.min = v;
            } else if v > cur.max {
                cur.max = v;
            }
            cur.last = v;
            continue;
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

//! Frames as the panel shell hands them over: per frame its name and its fields, each a
//! typed column (numbers as `f64` with NaN for gaps, text as one string with each row's end),
//! with the field's labels and the link template Grafana resolved for it.

use std::borrow::Cow;
use std::ops::Range;

use mcp_model::Status;

/// A text column: `offsets[i]..offsets[i + 1]` are the bytes of row `i`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Texts {
    offsets: Vec<u32>,
    bytes: String,
}

impl Texts {
    /// A column from its rows joined into one string and the end of each row in UTF-16
    /// code units, as the shell hands them over: `rows.join('')` and the running sum of the
    /// rows' JavaScript lengths. The text crosses into the module's memory as one string,
    /// not a string or an encoding per row.
    pub fn from_joined(bytes: String, ends: Vec<u32>) -> Result<Texts, InputError> {
        let bad = |reason: String| InputError { reason };
        if let Some(i) = ends.windows(2).position(|w| w[1] < w[0]) {
            return Err(bad(format!(
                "text end {} is {}, below the one before it ({})",
                i + 1,
                ends[i + 1],
                ends[i]
            )));
        }
        let units = ends.last().copied().unwrap_or(0) as usize;
        let too_short = |end: usize| {
            let length: usize = bytes.chars().map(char::len_utf16).sum();
            bad(format!("text ends at {end} but the text is {length} long"))
        };
        let mut offsets = Vec::with_capacity(ends.len() + 1);
        offsets.push(0);
        if bytes.is_ascii() {
            // One byte per code unit: the ends are the offsets.
            if units != bytes.len() {
                return Err(too_short(units));
            }
            offsets.extend_from_slice(&ends);
            return Ok(Texts { offsets, bytes });
        }
        let mut chars = bytes.char_indices();
        let (mut unit, mut byte) = (0, 0);
        for &end in &ends {
            let end = end as usize;
            while unit < end {
                let Some((at, c)) = chars.next() else {
                    return Err(too_short(end));
                };
                unit += c.len_utf16();
                byte = at + c.len_utf8();
            }
            if unit != end {
                return Err(bad(format!("text end {end} splits a character")));
            }
            offsets.push(byte as u32);
        }
        if byte != bytes.len() {
            return Err(too_short(units));
        }
        Ok(Texts { offsets, bytes })
    }

    /// Rows (none for the default column, which has no offsets).
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`, empty past the end.
    pub fn get(&self, i: usize) -> &str {
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.bytes[a as usize..b as usize],
            _ => "",
        }
    }

    /// Every row.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }

    fn range(&self) -> Range<usize> {
        0..self.len()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Texts {
    fn from_iter<I: IntoIterator<Item = S>>(rows: I) -> Texts {
        let mut t = Texts {
            offsets: vec![0],
            bytes: String::new(),
        };
        for row in rows {
            t.bytes.push_str(row.as_ref());
            t.offsets.push(t.bytes.len() as u32);
        }
        t
    }
}

/// A text column the shell kept on its side (the exemplars' trace ids: the renderer draws
/// none of them): only its row count is handed over, and a row crosses when a hover, a
/// click or the description asks for it, not all of them with every new data.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    rows: KeptRows,
}

#[cfg(target_arch = "wasm32")]
type KeptRows = crate::wasm::Rows;
#[cfg(not(target_arch = "wasm32"))]
type KeptRows = Vec<String>;

impl Kept {
    /// The shell's rows (a JavaScript `string[]` in the module).
    pub fn new(rows: KeptRows) -> Kept {
        Kept { rows }
    }

    /// Rows.
    pub fn len(&self) -> usize {
        #[cfg(target_arch = "wasm32")]
        return self.rows.length() as usize;
        #[cfg(not(target_arch = "wasm32"))]
        self.rows.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i`, empty past the end.
    pub fn get(&self, i: usize) -> Cow<'_, str> {
        #[cfg(target_arch = "wasm32")]
        return Cow::Owned(
            u32::try_from(i)
                .ok()
                .and_then(|i| self.rows.get(i))
                .unwrap_or_default(),
        );
        #[cfg(not(target_arch = "wasm32"))]
        self.rows
            .get(i)
            .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s))
    }
}

/// A column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Numbers (times as milliseconds since the epoch); NaN is a gap.
    Numbers(Vec<f64>),
    /// Text.
    Texts(Texts),
    /// Text the shell kept.
    Kept(Kept),
}

impl Default for Values {
    fn default() -> Values {
        Values::Texts(Texts::default())
    }
}

impl Values {
    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            Values::Numbers(v) => v.len(),
            Values::Texts(t) => t.range().len(),
            Values::Kept(k) => k.len(),
        }
    }

    /// Row `i` of a text column, handed over or kept (empty past the end, and for numbers).
    pub fn text(&self, i: usize) -> Cow<'_, str> {
        match self {
            Values::Numbers(_) => Cow::Borrowed(""),
            Values::Texts(t) => Cow::Borrowed(t.get(i)),
            Values::Kept(k) => k.get(i),
        }
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One field of a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Labels of the field (time series carry their identity here).
    pub labels: Vec<(String, String)>,
    /// The values.
    pub values: Values,
    /// URL template of the field's first data link, `${__value.raw}` standing for the
    /// row's value, as Grafana resolved the link the backend set.
    pub link: Option<String>,
    /// The statuses of the field's threshold steps, when its field config has them.
    pub steps: Option<Steps>,
}

impl Field {
    /// The label `key`'s value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frame {
    /// Frame name (`ecosystemSummary`, `worst`, `toolHealth`, `exemplar`, ...).
    pub name: String,
    /// Fields in order.
    pub fields: Vec<Field>,
}

impl Frame {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Every frame of a panel's answer, built up field by field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frames {
    /// The frames in order.
    pub frames: Vec<Frame>,
    /// The dashboard's time range the frames answer, ms since the epoch: the latency
    /// strip's time axis (none: the strip spans its data).
    pub range: Option<(f64, f64)>,
}

impl Frames {
    /// No frames.
    pub fn new() -> Frames {
        Frames::default()
    }

    /// Starts a frame called `name`; the fields pushed next belong to it.
    pub fn frame(&mut self, name: &str) -> &mut Frames {
        self.frames.push(Frame {
            name: name.to_string(),
            fields: Vec::new(),
        });
        self
    }

    /// Adds a field to the last frame (to a frame without a name when there is none).
    pub fn field(&mut self, name: &str, values: Values) -> &mut Frames {
        if self.frames.is_empty() {
            self.frame("");
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.fields.push(Field {
                name: name.to_string(),
                labels: Vec::new(),
                values,
                link: None,
                steps: None,
            });
        }
        self
    }

    /// Adds a number field.
    pub fn numbers(&mut self, name: &str, values: Vec<f64>) -> &mut Frames {
        self.field(name, Values::Numbers(values))
    }

    /// Adds a text field.
    pub fn texts<S: AsRef<str>>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = S>,
    ) -> &mut Frames {
        self.field(name, Values::Texts(values.into_iter().collect()))
    }

    /// Adds a text field the shell keeps.
    pub fn kept(&mut self, name: &str, rows: KeptRows) -> &mut Frames {
        self.field(name, Values::Kept(Kept::new(rows)))
    }

    /// Adds a label to the last field.
    pub fn label(&mut self, key: &str, value: &str) -> &mut Frames {
        if let Some(field) = self.last_field() {
            field.labels.push((key.to_string(), value.to_string()));
        }
        self
    }

    /// Sets the link template of the last field.
    pub fn link(&mut self, url: &str) -> &mut Frames {
        if let Some(field) = self.last_field() {
            field.link = Some(url.to_string());
        }
        self
    }

    /// Sets the dashboard's time range the frames answer, ms since the epoch.
    pub fn time_range(&mut self, from: f64, to: f64) -> &mut Frames {
        self.range = Some((from, to));
        self
    }

    /// Sets the threshold steps of the last field.
    pub fn steps(&mut self, steps: Steps) -> &mut Frames {
        if let Some(field) = self.last_field() {
            field.steps = Some(steps);
        }
        self
    }

    fn last_field(&mut self) -> Option<&mut Field> {
        self.frames.last_mut()?.fields.last_mut()
    }
}

/// A field's threshold steps as the statuses their colours stand for, as the shell reads
/// them from the field config (frontend/src/panel/thresholds.ts, the reading the thresholds
/// legend shows): the first status below the first bound, each next one from its bound on
/// (Grafana's own colouring: a value on a bound takes the step that starts there).
#[derive(Debug, Clone, PartialEq)]
pub struct Steps {
    bounds: Vec<f64>,
    statuses: Vec<Status>,
}

impl Steps {
    /// Steps from the bounds of every step after the first, ascending, and the status words
    /// of every step (`ok`, `warn`, `critical`), one more than the bounds.
    pub fn new<S: AsRef<str>>(
        bounds: Vec<f64>,
        words: impl IntoIterator<Item = S>,
    ) -> Result<Steps, InputError> {
        let bad = |reason: String| InputError { reason };
        let statuses = words
            .into_iter()
            .map(|w| {
                let w = w.as_ref();
                Status::from_word(w)
                    .ok_or_else(|| bad(format!("step status {w:?} is not ok, warn or critical")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if statuses.len() != bounds.len() + 1 {
            return Err(bad(format!(
                "{} step statuses for {} bounds: one more status than bounds expected",
                statuses.len(),
                bounds.len()
            )));
        }
        if let Some(i) = bounds.iter().position(|b| b.is_nan()) {
            return Err(bad(format!("step bound {i} is not a number")));
        }
        if let Some(i) = bounds.windows(2).position(|w| w[1] < w[0]) {
            // The crate's own number format: core's float formatting would be a tenth of
            // the module.
            let (mut at, mut before) = (String::new(), String::new());
            crate::format::number(&mut at, bounds[i + 1], 6);
            crate::format::number(&mut before, bounds[i], 6);
            return Err(bad(format!(
                "step bound {} is {at}, below the one before it ({before})",
                i + 1
            )));
        }
        Ok(Steps { bounds, statuses })
    }

    /// The status of `value`: that of the last step whose bound it reaches; NaN (no data)
    /// is ok, as there is nothing to act on.
    pub fn status(&self, value: f64) -> Status {
        if value.is_nan() {
            return Status::Ok;
        }
        let i = self.bounds.partition_point(|&b| b <= value);
        self.statuses.get(i).copied().unwrap_or(Status::Ok)
    }
}

/// Columns the shell handed over that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// What is wrong, with the value.
    pub reason: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_texts_read_back_row_by_row() {
        let t = Texts::from_joined("akoshaé-x😀!".to_string(), vec![6, 6, 9, 11, 12]).unwrap();
        assert_eq!(t.len(), 5);
        assert_eq!(t.get(0), "akosha");
        assert_eq!(t.get(1), "");
        assert_eq!(t.get(2), "é-x");
        assert_eq!(t.get(3), "😀");
        assert_eq!(t.get(4), "!");
        assert_eq!(t.get(5), "");
        let ascii = Texts::from_joined("ab".to_string(), vec![1, 1, 2]).unwrap();
        assert_eq!(ascii.iter().collect::<Vec<_>>(), ["a", "", "b"]);
        let empty = Texts::from_joined(String::new(), Vec::new()).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn bad_ends_say_which_and_why() {
        let err = |t: &str, e: Vec<u32>| Texts::from_joined(t.to_string(), e).unwrap_err().reason;
        assert_eq!(
            err("ab", vec![2, 1]),
            "text end 1 is 1, below the one before it (2)"
        );
        assert_eq!(err("ab", vec![1]), "text ends at 1 but the text is 2 long");
        assert_eq!(err("ab", vec![3]), "text ends at 3 but the text is 2 long");
        assert_eq!(err("é", vec![2]), "text ends at 2 but the text is 1 long");
        assert_eq!(err("éa", vec![1]), "text ends at 1 but the text is 2 long");
        assert_eq!(err("😀", vec![1, 2]), "text end 1 splits a character");
    }

    #[test]
    fn steps_give_the_status_of_the_step_a_value_reaches() {
        // p95 with warn overridden to 250 ms, critical past 750 ms, as the backend writes it.
        let p95 = Steps::new(vec![0.25, 0.750_000_000_000_01], ["ok", "warn", "critical"]).unwrap();
        assert_eq!(p95.status(0.2), Status::Ok);
        assert_eq!(p95.status(0.25), Status::Warn);
        assert_eq!(p95.status(0.75), Status::Warn);
        assert_eq!(p95.status(0.8), Status::Critical);
        assert_eq!(p95.status(f64::NAN), Status::Ok);
        let err = |b: Vec<f64>, w: &[&str]| Steps::new(b, w.iter()).unwrap_err().reason;
        assert_eq!(
            err(vec![1.0], &["ok", "meh"]),
            "step status \"meh\" is not ok, warn or critical"
        );
        assert_eq!(
            err(vec![1.0], &["ok"]),
            "1 step statuses for 1 bounds: one more status than bounds expected"
        );
        assert_eq!(
            err(vec![2.0, 1.0], &["ok", "warn", "critical"]),
            "step bound 1 is 1, below the one before it (2)"
        );
    }
}

//! The response automaton: a validating pushdown automaton over the lexer's tokens that
//! knows what each container means to the answer (envelope, `data`, series, labels,
//! sample pairs) and keeps its place across chunks. Samples are appended to the series'
//! vectors as they are read; the common pair spelling skips the token path altogether
//! ([`MatrixParser::fast_pairs`]).

use std::collections::BTreeMap;

use super::super::number::{parse_f64, parse_value, seconds_to_ms};
use super::super::response::{Envelope, Series};
use super::lex::{fast_pair, skip_ws, Lexer, Tok};
use super::{Matrix, MatrixError};

/// What a container means to the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Envelope,
    Data,
    Result,
    Series,
    Metric,
    Values,
    Pair,
    Warnings,
    Infos,
    Skip,
}

/// The next token a container accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// First member of an object, or its end.
    KeyOrEnd,
    /// A member after a comma.
    Key,
    Colon,
    /// A value after a colon or a comma.
    Value,
    /// First element of an array, or its end.
    ValueOrEnd,
    CommaOrEnd,
}

#[derive(Debug, Clone, Copy)]
struct Level {
    role: Role,
    object: bool,
    expect: Expect,
    /// Elements seen so far (arrays).
    count: u32,
}

/// The meaning of the value about to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Root,
    Status,
    ErrorType,
    Error,
    Data,
    Warnings,
    Infos,
    ResultType,
    Result,
    Series,
    Metric,
    Label,
    Values,
    Pair,
    PairTime,
    PairValue,
    Warning,
    Info,
    Skip,
}

// Fields of the envelope and of `data`, to refuse duplicates as serde does.
const SEEN_STATUS: u16 = 1;
const SEEN_DATA: u16 = 1 << 1;
const SEEN_ERROR_TYPE: u16 = 1 << 2;
const SEEN_ERROR: u16 = 1 << 3;
const SEEN_WARNINGS: u16 = 1 << 4;
const SEEN_INFOS: u16 = 1 << 5;
const SEEN_RESULT_TYPE: u16 = 1 << 6;
const SEEN_RESULT: u16 = 1 << 7;

/// An incremental parser of one range query answer.
///
/// ```
/// use mcp_plugin::upstream::MatrixParser;
///
/// let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
///     {"metric":{"job":"a"},"values":[[1700000000,"1.5"],[1700000015,"NaN"]]}]}}"#;
/// let mut parser = MatrixParser::new();
/// for chunk in body.chunks(7) {
///     parser.feed(chunk)?;
/// }
/// let answer = parser.finish()?;
/// let series = &answer.data.unwrap().result[0];
/// assert_eq!(series.timestamps, [1_700_000_000_000, 1_700_000_015_000]);
/// assert!(series.values[1].is_nan());
/// # Ok::<(), mcp_plugin::upstream::MatrixError>(())
/// ```
#[derive(Debug)]
pub struct MatrixParser {
    lex: Lexer,
    stack: Vec<Level>,
    /// Meaning of the next object member's value.
    slot: Slot,
    root_done: bool,
    label: String,
    pair_time: i64,
    pair_value: f64,
    series: Series,
    /// Points of the previous series: the next one most likely has as many.
    last_len: usize,
    seen: u16,
    out: Envelope<Matrix>,
}

impl Default for MatrixParser {
    fn default() -> Self {
        MatrixParser::new()
    }
}

impl MatrixParser {
    /// A parser at the start of a body.
    pub fn new() -> Self {
        MatrixParser {
            lex: Lexer::new(),
            stack: Vec::with_capacity(8),
            slot: Slot::Root,
            root_done: false,
            label: String::new(),
            pair_time: 0,
            pair_value: 0.0,
            series: Series::default(),
            last_len: 0,
            seen: 0,
            out: Envelope::default(),
        }
    }

    /// Parses a body that is already split into chunks (or whole, as one chunk).
    pub fn parse<'a>(
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Envelope<Matrix>, MatrixError> {
        let mut parser = MatrixParser::new();
        for chunk in chunks {
            parser.feed(chunk)?;
        }
        parser.finish()
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.lex.offset
    }

    /// Consumes the next chunk of the body. After an error the parser must not be fed again.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), MatrixError> {
        let mut pos = 0;
        if self.lex.in_token() {
            match self.lex.resume(chunk, &mut pos)? {
                Some(tok) => self.on_token(tok, pos)?,
                None => {
                    self.lex.offset += chunk.len() as u64;
                    return Ok(());
                }
            }
        }
        while pos < chunk.len() {
            if self.expects_pair() {
                pos = self.fast_pairs(chunk, pos);
                if pos >= chunk.len() {
                    break;
                }
            }
            if let b' ' | b'\t' | b'\n' | b'\r' = chunk[pos] {
                pos += 1;
                continue;
            }
            let at = pos;
            let (stack, slot) = (&self.stack, self.slot);
            match self
                .lex
                .token(chunk, &mut pos, || string_is_kept(stack, slot))?
            {
                Some(tok) => self.on_token(tok, at)?,
                None => break,
            }
        }
        self.lex.offset += chunk.len() as u64;
        Ok(())
    }

    /// The series completed so far and not yet taken, in the order they came; what
    /// [`MatrixParser::finish`] returns holds only the ones never taken.
    pub fn take_series(&mut self) -> impl Iterator<Item = Series> + '_ {
        self.out
            .data
            .iter_mut()
            .flat_map(|data| data.result.drain(..))
    }

    /// Ends the body: the answer, or why it is incomplete.
    pub fn finish(mut self) -> Result<Envelope<Matrix>, MatrixError> {
        if let Some(tok) = self.lex.end_of_body()? {
            self.on_token(tok, 0)?;
        }
        if !self.root_done {
            let reason = if self.lex.offset == 0 {
                "the body is empty"
            } else {
                "the body ends before the JSON is complete"
            };
            return Err(self.error(0, reason.into()));
        }
        Ok(self.out)
    }

    fn error(&self, pos: usize, reason: String) -> MatrixError {
        self.lex.error(pos, reason)
    }

    fn expects_pair(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Level {
                role: Role::Values,
                expect: Expect::Value | Expect::ValueOrEnd,
                ..
            })
        )
    }

    /// Reads `[<seconds>,"<value>"]` pairs directly from the chunk while they are written
    /// the common way and wholly inside it; returns where the general path takes over.
    fn fast_pairs(&mut self, chunk: &[u8], pos: usize) -> usize {
        let Some(level) = self.stack.last_mut() else {
            return pos;
        };
        let times = &mut self.series.timestamps;
        let values = &mut self.series.values;
        let mut p = pos;
        loop {
            let start = p;
            let Some((time, value, end)) = fast_pair(chunk, skip_ws(chunk, p)) else {
                return start;
            };
            times.push(time);
            values.push(value);
            level.count += 1;
            level.expect = Expect::CommaOrEnd;
            p = skip_ws(chunk, end);
            if chunk.get(p) == Some(&b',') {
                p += 1;
                level.expect = Expect::Value;
            } else {
                return p;
            }
        }
    }

    fn on_token(&mut self, tok: Tok, at: usize) -> Result<(), MatrixError> {
        let Some(level) = self.stack.last().copied() else {
            if self.root_done {
                return Err(self.error(at, "trailing characters after the JSON".into()));
            }
            return self.on_value(tok, Slot::Root, at);
        };
        let top = self.stack.len() - 1;
        match level.expect {
            Expect::KeyOrEnd | Expect::Key => match tok {
                Tok::Str => {
                    self.on_key(level.role, at)?;
                    self.stack[top].expect = Expect::Colon;
                    Ok(())
                }
                Tok::RBrace if level.expect == Expect::KeyOrEnd => self.close(at),
                _ => Err(self.error(at, "expected an object key in quotes".into())),
            },
            Expect::Colon => match tok {
                Tok::Colon => {
                    self.stack[top].expect = Expect::Value;
                    Ok(())
                }
                _ => Err(self.error(at, "expected ':' after an object key".into())),
            },
            Expect::Value | Expect::ValueOrEnd => {
                if tok == Tok::RBracket && level.expect == Expect::ValueOrEnd {
                    return self.close(at);
                }
                let slot = if level.object {
                    self.slot
                } else {
                    self.stack[top].count += 1;
                    element_slot(level.role, level.count)
                };
                self.stack[top].expect = Expect::CommaOrEnd;
                self.on_value(tok, slot, at)
            }
            Expect::CommaOrEnd => match tok {
                Tok::Comma => {
                    self.stack[top].expect = if level.object {
                        Expect::Key
                    } else {
                        Expect::Value
                    };
                    Ok(())
                }
                Tok::RBrace if level.object => self.close(at),
                Tok::RBracket if !level.object => self.close(at),
                _ if level.object => Err(self.error(at, "expected ',' or '}' in an object".into())),
                _ => Err(self.error(at, "expected ',' or ']' in an array".into())),
            },
        }
    }

    fn on_key(&mut self, role: Role, at: usize) -> Result<(), MatrixError> {
        if role != Role::Skip && std::str::from_utf8(&self.lex.text).is_err() {
            return Err(self.error(at, "an object key is not valid UTF-8".into()));
        }
        let (slot, seen) = match role {
            Role::Envelope => match self.lex.text.as_slice() {
                b"status" => (Slot::Status, SEEN_STATUS),
                b"data" => (Slot::Data, SEEN_DATA),
                b"errorType" => (Slot::ErrorType, SEEN_ERROR_TYPE),
                b"error" => (Slot::Error, SEEN_ERROR),
                b"warnings" => (Slot::Warnings, SEEN_WARNINGS),
                b"infos" => (Slot::Infos, SEEN_INFOS),
                _ => (Slot::Skip, 0),
            },
            Role::Data => match self.lex.text.as_slice() {
                b"resultType" => (Slot::ResultType, SEEN_RESULT_TYPE),
                b"result" => {
                    let other_type = self.out.data.as_ref().is_some_and(|d| {
                        self.seen & SEEN_RESULT_TYPE != 0 && d.result_type != "matrix"
                    });
                    // Another result type's result is not ours to read.
                    let slot = if other_type { Slot::Skip } else { Slot::Result };
                    (slot, SEEN_RESULT)
                }
                _ => (Slot::Skip, 0),
            },
            Role::Series => match self.lex.text.as_slice() {
                b"metric" => (Slot::Metric, 0),
                b"values" => (Slot::Values, 0),
                _ => (Slot::Skip, 0),
            },
            Role::Metric => {
                self.label = self.take_text(at)?;
                (Slot::Label, 0)
            }
            _ => (Slot::Skip, 0),
        };
        if seen != 0 {
            if self.seen & seen != 0 {
                let key = String::from_utf8_lossy(&self.lex.text).into_owned();
                return Err(self.error(at, format!("duplicate field {key:?}")));
            }
            self.seen |= seen;
        }
        self.slot = slot;
        Ok(())
    }

    /// The string just read; only strings that are kept must be UTF-8 (as with serde,
    /// skipped ones are not checked).
    fn take_text(&mut self, at: usize) -> Result<String, MatrixError> {
        String::from_utf8(std::mem::take(&mut self.lex.text))
            .map_err(|_| self.error(at, "a string is not valid UTF-8".into()))
    }

    fn on_value(&mut self, tok: Tok, slot: Slot, at: usize) -> Result<(), MatrixError> {
        let open = |parser: &mut Self, role: Role, object: bool| {
            parser.stack.push(Level {
                role,
                object,
                expect: if object {
                    Expect::KeyOrEnd
                } else {
                    Expect::ValueOrEnd
                },
                count: 0,
            });
        };
        match (slot, tok) {
            (Slot::Skip, Tok::LBrace) => open(self, Role::Skip, true),
            (Slot::Skip, Tok::LBracket) => open(self, Role::Skip, false),
            (Slot::Skip, Tok::RBrace | Tok::RBracket | Tok::Colon | Tok::Comma) => {
                return Err(self.error(at, "expected a value".into()))
            }
            (Slot::Skip, _) => {}
            (Slot::Root, Tok::LBrace) => open(self, Role::Envelope, true),
            (Slot::Status, Tok::Str) => self.out.status = self.take_text(at)?,
            (Slot::ErrorType, Tok::Str) => self.out.error_type = Some(self.take_text(at)?),
            (Slot::Error, Tok::Str) => self.out.error = Some(self.take_text(at)?),
            (Slot::ErrorType | Slot::Error | Slot::Data, Tok::Null) => {}
            (Slot::Data, Tok::LBrace) => {
                self.out.data = Some(Matrix::default());
                open(self, Role::Data, true);
            }
            (Slot::Warnings, Tok::LBracket) => open(self, Role::Warnings, false),
            (Slot::Infos, Tok::LBracket) => open(self, Role::Infos, false),
            (Slot::Warning, Tok::Str) => {
                let text = self.take_text(at)?;
                self.out.warnings.push(text);
            }
            (Slot::Info, Tok::Str) => {
                let text = self.take_text(at)?;
                self.out.infos.push(text);
            }
            (Slot::ResultType, Tok::Str) => {
                let text = self.take_text(at)?;
                if let Some(data) = self.out.data.as_mut() {
                    data.result_type = text;
                }
            }
            (Slot::Result, Tok::LBracket) => open(self, Role::Result, false),
            (Slot::Series, Tok::LBrace) => {
                self.series = Series::default();
                self.series.timestamps.reserve_exact(self.last_len);
                self.series.values.reserve_exact(self.last_len);
                open(self, Role::Series, true);
            }
            (Slot::Metric, Tok::LBrace) => {
                self.series.labels = BTreeMap::new();
                open(self, Role::Metric, true);
            }
            (Slot::Label, Tok::Str) => {
                let value = self.take_text(at)?;
                let key = std::mem::take(&mut self.label);
                self.series.labels.insert(key, value);
            }
            (Slot::Values, Tok::LBracket) => open(self, Role::Values, false),
            (Slot::Pair, Tok::LBracket) => open(self, Role::Pair, false),
            (Slot::PairTime, Tok::Num) => {
                let seconds = parse_f64(&self.lex.number).unwrap_or(f64::NAN);
                self.pair_time = seconds_to_ms(seconds);
            }
            (Slot::PairValue, Tok::Num) => {
                self.pair_value = parse_f64(&self.lex.number).unwrap_or(f64::NAN);
            }
            (Slot::PairValue, Tok::Str) => {
                self.pair_value = match parse_value(&self.lex.text) {
                    Some(v) => v,
                    None => {
                        let shown = String::from_utf8_lossy(&self.lex.text).into_owned();
                        return Err(
                            self.error(at, format!("sample value {shown:?} is not a number"))
                        );
                    }
                };
            }
            (slot, _) => return Err(self.error(at, format!("expected {}", describe(slot)))),
        }
        if self.stack.is_empty() {
            self.root_done = true;
        }
        Ok(())
    }

    fn close(&mut self, at: usize) -> Result<(), MatrixError> {
        let Some(level) = self.stack.pop() else {
            return Err(self.error(at, "unbalanced brackets".into()));
        };
        let missing = match level.role {
            Role::Envelope if self.seen & SEEN_STATUS == 0 => Some("the answer has no \"status\""),
            Role::Data if self.seen & SEEN_RESULT_TYPE == 0 => {
                Some("\"data\" has no \"resultType\"")
            }
            Role::Data if self.seen & SEEN_RESULT == 0 => Some("\"data\" has no \"result\""),
            _ => None,
        };
        if let Some(missing) = missing {
            return Err(self.error(at, missing.into()));
        }
        match level.role {
            Role::Series => {
                let series = std::mem::take(&mut self.series);
                self.last_len = series.timestamps.len();
                if let Some(data) = self.out.data.as_mut() {
                    data.result.push(series);
                }
            }
            Role::Pair => {
                if level.count < 2 {
                    return Err(self.error(
                        at,
                        "a sample needs a timestamp and a value, as [1700000000,\"1\"]".into(),
                    ));
                }
                self.series.timestamps.push(self.pair_time);
                self.series.values.push(self.pair_value);
            }
            _ => {}
        }
        if self.stack.is_empty() {
            self.root_done = true;
        }
        Ok(())
    }
}

/// Whether the string starting now is a key or value the answer keeps.
fn string_is_kept(stack: &[Level], slot: Slot) -> bool {
    let Some(level) = stack.last() else {
        return true;
    };
    match level.expect {
        Expect::KeyOrEnd | Expect::Key => level.role != Role::Skip,
        Expect::Value | Expect::ValueOrEnd if level.object => slot != Slot::Skip,
        Expect::Value | Expect::ValueOrEnd => element_slot(level.role, level.count) != Slot::Skip,
        Expect::Colon | Expect::CommaOrEnd => true,
    }
}

fn element_slot(role: Role, index: u32) -> Slot {
    match role {
        Role::Result => Slot::Series,
        Role::Values => Slot::Pair,
        Role::Pair => match index {
            0 => Slot::PairTime,
            1 => Slot::PairValue,
            _ => Slot::Skip,
        },
        Role::Warnings => Slot::Warning,
        Role::Infos => Slot::Info,
        _ => Slot::Skip,
    }
}

fn describe(slot: Slot) -> &'static str {
    match slot {
        Slot::Root => "the answer to be a JSON object",
        Slot::Status => "\"status\" to be a string",
        Slot::ErrorType => "\"errorType\" to be a string",
        Slot::Error => "\"error\" to be a string",
        Slot::Data => "\"data\" to be an object",
        Slot::Warnings => "\"warnings\" to be a list",
        Slot::Infos => "\"infos\" to be a list",
        Slot::Warning => "a warning to be a string",
        Slot::Info => "an info to be a string",
        Slot::ResultType => "\"resultType\" to be a string",
        Slot::Result => "\"result\" to be a list of series",
        Slot::Series => "a series object",
        Slot::Metric => "\"metric\" to be an object of labels",
        Slot::Label => "a label value to be a string",
        Slot::Values => "\"values\" to be a list of [timestamp, \"value\"] pairs",
        Slot::Pair => "a [timestamp, \"value\"] pair",
        Slot::PairTime => "a sample timestamp to be a number",
        Slot::PairValue => "a sample value to be a string",
        Slot::Skip => "a value",
    }
}

//! A push parser for the Prometheus `query_range` answer: body chunks go in as they arrive,
//! samples come out in the `Vec<i64>` / `Vec<f64>` pairs that become Arrow buffers.
//!
//! There is no JSON DOM and no allocation per sample. The envelope (`status`, `data`,
//! `errorType`, `error`, `warnings`, `infos`) and the matrix (`resultType`, `result` with
//! `metric` and `values`) are read by a validating pushdown automaton that keeps its place
//! across chunk boundaries, so a chunk may end anywhere, even inside a string escape. The
//! common `[<seconds>,"<value>"]` pair is read by a fast path straight from the chunk; any
//! other spelling (whitespace aside) falls back to the general path, which gives the same
//! answer. Anything that is not well-formed JSON of the expected shape is an error with
//! the byte offset where it was found, never a panic.
//!
//! Entry points: [`MatrixParser`] (`feed` each chunk, then `finish`), and for whole bodies
//! [`parse_response`], [`parse_response_chunks`] and [`parse_matrix`].

use std::collections::BTreeMap;

use thiserror::Error;

use super::response::Series;

/// Why a body is not a well-formed Prometheus range query answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{reason} at byte {offset}")]
pub struct MatrixError {
    /// Offset of the offending byte from the start of the body.
    pub offset: u64,
    /// What was wrong there.
    pub reason: String,
}

/// The API envelope of a range query answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatrixResponse {
    /// "success" or "error" (anything else is passed on as found).
    pub status: String,
    /// Prometheus error class.
    pub error_type: Option<String>,
    /// Prometheus error text.
    pub error: Option<String>,
    /// Warnings about partial data.
    pub warnings: Vec<String>,
    /// Informational notes.
    pub infos: Vec<String>,
    /// The payload; `None` when absent or `null`.
    pub data: Option<Matrix>,
}

/// `data` of a range query answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    /// "matrix" for a range query; when it is something else `result` is skipped.
    pub result_type: String,
    /// The series, in the order Prometheus sent them.
    pub result: Vec<Series>,
}

/// Parses a whole body.
pub fn parse_response(body: &[u8]) -> Result<MatrixResponse, MatrixError> {
    let mut parser = MatrixParser::new();
    parser.feed(body)?;
    parser.finish()
}

/// Parses a body split into chunks, as it arrives from the network.
pub fn parse_response_chunks<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<MatrixResponse, MatrixError> {
    let mut parser = MatrixParser::new();
    for chunk in chunks {
        parser.feed(chunk)?;
    }
    parser.finish()
}

/// Parses a whole body that must be a successful matrix answer: the series and the
/// warnings followed by the infos. An error envelope, a missing `data` or another result
/// type is an error (offset 0 when the JSON itself was well-formed).
pub fn parse_matrix(body: &[u8]) -> Result<(Vec<Series>, Vec<String>), MatrixError> {
    let response = parse_response(body)?;
    let whole = |reason: String| MatrixError { offset: 0, reason };
    match response.status.as_str() {
        "success" => {}
        "error" => {
            return Err(whole(format!(
                "Prometheus error ({}): {}",
                response.error_type.as_deref().unwrap_or("error"),
                response.error.as_deref().unwrap_or("no reason given")
            )))
        }
        other => return Err(whole(format!("status {other:?}"))),
    }
    let data = response
        .data
        .ok_or_else(|| whole("a success without data".to_string()))?;
    if data.result_type != "matrix" {
        return Err(whole(format!(
            "expected a matrix, got {}",
            data.result_type
        )));
    }
    let mut warnings = response.warnings;
    warnings.extend(response.infos);
    Ok((data.result, warnings))
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    /// Text in `MatrixParser::text`.
    Str,
    /// Text in `MatrixParser::number`, validated.
    Num,
    True,
    False,
    Null,
}

/// Where a token cut by the end of a chunk was left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Partial {
    None,
    Str(Escape),
    Num,
    Literal { word: &'static [u8], matched: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    Backslash,
    Hex { digits: u8, value: u32 },
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
/// use mcp_plugin::upstream::stream::MatrixParser;
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
/// # Ok::<(), mcp_plugin::upstream::stream::MatrixError>(())
/// ```
#[derive(Debug)]
pub struct MatrixParser {
    /// Bytes of the body before the current chunk.
    offset: u64,
    stack: Vec<Level>,
    /// Meaning of the next object member's value.
    slot: Slot,
    root_done: bool,
    partial: Partial,
    /// A pending `\uD800`-`\uDBFF` escape waiting for its low half.
    high_surrogate: Option<u32>,
    /// The string being read is skipped: like serde, surrogates and UTF-8 go unchecked.
    lenient: bool,
    text: Vec<u8>,
    number: Vec<u8>,
    label: String,
    pair_time: i64,
    pair_value: f64,
    series: Series,
    /// Points of the previous series: the next one most likely has as many.
    last_len: usize,
    seen: u16,
    out: MatrixResponse,
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
            offset: 0,
            stack: Vec::with_capacity(8),
            slot: Slot::Root,
            root_done: false,
            partial: Partial::None,
            high_surrogate: None,
            lenient: false,
            text: Vec::new(),
            number: Vec::new(),
            label: String::new(),
            pair_time: 0,
            pair_value: 0.0,
            series: Series::default(),
            last_len: 0,
            seen: 0,
            out: MatrixResponse::default(),
        }
    }

    /// Bytes fed so far.
    pub fn bytes_read(&self) -> u64 {
        self.offset
    }

    /// Consumes the next chunk of the body. After an error the parser must not be fed again.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), MatrixError> {
        let mut pos = 0;
        if self.partial != Partial::None {
            match self.resume_partial(chunk, &mut pos)? {
                Some(tok) => self.on_token(tok, pos)?,
                None => {
                    self.offset += chunk.len() as u64;
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
            let at = pos;
            let tok = match chunk[pos] {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    pos += 1;
                    continue;
                }
                b'{' => Tok::LBrace,
                b'}' => Tok::RBrace,
                b'[' => Tok::LBracket,
                b']' => Tok::RBracket,
                b':' => Tok::Colon,
                b',' => Tok::Comma,
                b'"' => {
                    pos += 1;
                    self.text.clear();
                    self.high_surrogate = None;
                    self.lenient = !self.string_is_kept();
                    self.partial = Partial::Str(Escape::None);
                    match self.lex_string(chunk, &mut pos)? {
                        Some(tok) => {
                            self.on_token(tok, at)?;
                            continue;
                        }
                        None => break,
                    }
                }
                b'-' | b'0'..=b'9' => {
                    self.number.clear();
                    self.partial = Partial::Num;
                    match self.lex_number(chunk, &mut pos)? {
                        Some(tok) => {
                            self.on_token(tok, at)?;
                            continue;
                        }
                        None => break,
                    }
                }
                b't' | b'f' | b'n' => {
                    let word: &'static [u8] = match chunk[pos] {
                        b't' => b"true",
                        b'f' => b"false",
                        _ => b"null",
                    };
                    self.partial = Partial::Literal { word, matched: 0 };
                    match self.lex_literal(chunk, &mut pos)? {
                        Some(tok) => {
                            self.on_token(tok, at)?;
                            continue;
                        }
                        None => break,
                    }
                }
                other => return Err(self.error(at, format!("unexpected {}", show(other)))),
            };
            pos += 1;
            self.on_token(tok, at)?;
        }
        self.offset += chunk.len() as u64;
        Ok(())
    }

    /// Ends the body: the answer, or why it is incomplete.
    pub fn finish(mut self) -> Result<MatrixResponse, MatrixError> {
        match self.partial {
            Partial::None => {}
            Partial::Num => {
                let tok = self.end_number(0)?;
                self.on_token(tok, 0)?;
            }
            Partial::Str(_) => return Err(self.error(0, "the body ends inside a string".into())),
            Partial::Literal { .. } => {
                return Err(self.error(0, "the body ends inside a literal".into()))
            }
        }
        if !self.root_done {
            let reason = if self.offset == 0 {
                "the body is empty"
            } else {
                "the body ends before the JSON is complete"
            };
            return Err(self.error(0, reason.into()));
        }
        Ok(self.out)
    }

    fn error(&self, pos: usize, reason: String) -> MatrixError {
        MatrixError {
            offset: self.offset + pos as u64,
            reason,
        }
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

    fn resume_partial(
        &mut self,
        chunk: &[u8],
        pos: &mut usize,
    ) -> Result<Option<Tok>, MatrixError> {
        match self.partial {
            Partial::None => Ok(None),
            Partial::Str(_) => self.lex_string(chunk, pos),
            Partial::Num => self.lex_number(chunk, pos),
            Partial::Literal { .. } => self.lex_literal(chunk, pos),
        }
    }

    /// Continues a string (the opening quote already read) into `self.text`.
    fn lex_string(&mut self, chunk: &[u8], pos: &mut usize) -> Result<Option<Tok>, MatrixError> {
        let Partial::Str(mut escape) = self.partial else {
            return Ok(None);
        };
        let mut p = *pos;
        while p < chunk.len() {
            match escape {
                Escape::None => {
                    if self.high_surrogate.is_some() && chunk[p] != b'\\' {
                        return Err(
                            self.error(p, "a lone leading surrogate in a \\u escape".into())
                        );
                    }
                    let run = chunk[p..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .unwrap_or(chunk.len() - p);
                    self.text.extend_from_slice(&chunk[p..p + run]);
                    p += run;
                    if p == chunk.len() {
                        break;
                    }
                    match chunk[p] {
                        b'"' => {
                            p += 1;
                            *pos = p;
                            self.partial = Partial::None;
                            return Ok(Some(Tok::Str));
                        }
                        b'\\' => {
                            escape = Escape::Backslash;
                            p += 1;
                        }
                        other => {
                            return Err(self.error(
                                p,
                                format!("a control character ({other:#04x}) inside a string"),
                            ))
                        }
                    }
                }
                Escape::Backslash => {
                    let b = chunk[p];
                    if self.high_surrogate.is_some() && b != b'u' {
                        return Err(
                            self.error(p, "a lone leading surrogate in a \\u escape".into())
                        );
                    }
                    let plain = match b {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            escape = Escape::Hex {
                                digits: 0,
                                value: 0,
                            };
                            p += 1;
                            continue;
                        }
                        other => {
                            return Err(self.error(
                                p,
                                format!("an invalid escape \\{} in a string", show_char(other)),
                            ))
                        }
                    };
                    self.text.push(plain);
                    escape = Escape::None;
                    p += 1;
                }
                Escape::Hex { digits, value } => {
                    let b = chunk[p];
                    let digit = match b {
                        b'0'..=b'9' => b - b'0',
                        b'a'..=b'f' => b - b'a' + 10,
                        b'A'..=b'F' => b - b'A' + 10,
                        other => {
                            return Err(self.error(
                                p,
                                format!("{} in a \\u escape, expected a hex digit", show(other)),
                            ))
                        }
                    };
                    let value = value * 16 + u32::from(digit);
                    p += 1;
                    if digits < 3 {
                        escape = Escape::Hex {
                            digits: digits + 1,
                            value,
                        };
                        continue;
                    }
                    escape = Escape::None;
                    self.push_code_unit(value, p - 1)?;
                }
            }
        }
        self.partial = Partial::Str(escape);
        *pos = chunk.len();
        Ok(None)
    }

    /// Whether the string starting now is a key or value the answer keeps.
    fn string_is_kept(&self) -> bool {
        let Some(level) = self.stack.last() else {
            return true;
        };
        match level.expect {
            Expect::KeyOrEnd | Expect::Key => level.role != Role::Skip,
            Expect::Value | Expect::ValueOrEnd if level.object => self.slot != Slot::Skip,
            Expect::Value | Expect::ValueOrEnd => {
                element_slot(level.role, level.count) != Slot::Skip
            }
            Expect::Colon | Expect::CommaOrEnd => true,
        }
    }

    fn push_code_unit(&mut self, unit: u32, at: usize) -> Result<(), MatrixError> {
        if self.lenient {
            self.high_surrogate = None;
            return Ok(());
        }
        let code = match (self.high_surrogate.take(), unit) {
            (Some(high), 0xDC00..=0xDFFF) => 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00),
            (Some(_), _) => {
                return Err(self.error(at, "a lone leading surrogate in a \\u escape".into()))
            }
            (None, 0xD800..=0xDBFF) => {
                self.high_surrogate = Some(unit);
                return Ok(());
            }
            (None, 0xDC00..=0xDFFF) => {
                return Err(self.error(at, "a lone trailing surrogate in a \\u escape".into()))
            }
            (None, unit) => unit,
        };
        let c = char::from_u32(code)
            .ok_or_else(|| self.error(at, format!("\\u escape {code:#x} is not a character")))?;
        let mut buf = [0u8; 4];
        self.text
            .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    fn lex_number(&mut self, chunk: &[u8], pos: &mut usize) -> Result<Option<Tok>, MatrixError> {
        let start = *pos;
        let run = chunk[start..]
            .iter()
            .position(|&b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(chunk.len() - start);
        self.number.extend_from_slice(&chunk[start..start + run]);
        *pos = start + run;
        if *pos == chunk.len() {
            return Ok(None);
        }
        self.end_number(*pos).map(Some)
    }

    fn end_number(&mut self, at: usize) -> Result<Tok, MatrixError> {
        self.partial = Partial::None;
        if is_json_number(&self.number) {
            Ok(Tok::Num)
        } else {
            let shown = String::from_utf8_lossy(&self.number).into_owned();
            Err(self.error(at, format!("{shown:?} is not a JSON number")))
        }
    }

    fn lex_literal(&mut self, chunk: &[u8], pos: &mut usize) -> Result<Option<Tok>, MatrixError> {
        let Partial::Literal { word, mut matched } = self.partial else {
            return Ok(None);
        };
        while matched < word.len() {
            let Some(&b) = chunk.get(*pos) else {
                self.partial = Partial::Literal { word, matched };
                return Ok(None);
            };
            if b != word[matched] {
                return Err(self.error(*pos, format!("unexpected {} in a literal", show(b))));
            }
            matched += 1;
            *pos += 1;
        }
        self.partial = Partial::None;
        Ok(Some(match word[0] {
            b't' => Tok::True,
            b'f' => Tok::False,
            _ => Tok::Null,
        }))
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
        if role != Role::Skip && std::str::from_utf8(&self.text).is_err() {
            return Err(self.error(at, "an object key is not valid UTF-8".into()));
        }
        let (slot, seen) = match role {
            Role::Envelope => match self.text.as_slice() {
                b"status" => (Slot::Status, SEEN_STATUS),
                b"data" => (Slot::Data, SEEN_DATA),
                b"errorType" => (Slot::ErrorType, SEEN_ERROR_TYPE),
                b"error" => (Slot::Error, SEEN_ERROR),
                b"warnings" => (Slot::Warnings, SEEN_WARNINGS),
                b"infos" => (Slot::Infos, SEEN_INFOS),
                _ => (Slot::Skip, 0),
            },
            Role::Data => match self.text.as_slice() {
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
            Role::Series => match self.text.as_slice() {
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
                let key = String::from_utf8_lossy(&self.text).into_owned();
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
        String::from_utf8(std::mem::take(&mut self.text))
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
                let seconds = parse_f64(&self.number).unwrap_or(f64::NAN);
                self.pair_time = seconds_to_ms(seconds);
            }
            (Slot::PairValue, Tok::Num) => {
                self.pair_value = parse_f64(&self.number).unwrap_or(f64::NAN);
            }
            (Slot::PairValue, Tok::Str) => {
                self.pair_value = match parse_value(&self.text) {
                    Some(v) => v,
                    None => {
                        let shown = String::from_utf8_lossy(&self.text).into_owned();
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

fn show(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte {b:#04x}")
    }
}

fn show_char(b: u8) -> String {
    if b.is_ascii_graphic() {
        (b as char).to_string()
    } else {
        format!("{b:#04x}")
    }
}

fn skip_ws(chunk: &[u8], mut p: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = chunk.get(p) {
        p += 1;
    }
    p
}

/// One `[<seconds>,"<value>"]` pair starting at `p`, and the position after it; `None`
/// for anything the general path must look at.
#[inline]
fn fast_pair(chunk: &[u8], p: usize) -> Option<(i64, f64, usize)> {
    if *chunk.get(p)? != b'[' {
        return None;
    }
    let p = skip_ws(chunk, p + 1);
    let (time, p) = fast_time(chunk, p)?;
    let p = skip_ws(chunk, p);
    if *chunk.get(p)? != b',' {
        return None;
    }
    let p = skip_ws(chunk, p + 1);
    if *chunk.get(p)? != b'"' {
        return None;
    }
    let start = p + 1;
    let len = chunk.get(start..)?.iter().position(|&b| b == b'"')?;
    let value = fast_value(&chunk[start..start + len])?;
    let p = skip_ws(chunk, start + len + 1);
    if *chunk.get(p)? != b']' {
        return None;
    }
    Some((time, value, p + 1))
}

/// Seconds with at most three decimals as milliseconds, exactly what
/// `(seconds * 1000).round()` gives for them.
#[inline]
fn fast_time(chunk: &[u8], mut p: usize) -> Option<(i64, usize)> {
    let start = p;
    let mut whole: i64 = 0;
    // Beyond 12 digits the float path decides; stopping at 13 keeps the sum in range.
    while let Some(&b @ b'0'..=b'9') = chunk.get(p) {
        if p - start == 12 {
            return None;
        }
        whole = whole * 10 + i64::from(b - b'0');
        p += 1;
    }
    let digits = p - start;
    // JSON has no leading zeros.
    if digits == 0 || (digits > 1 && chunk[start] == b'0') {
        return None;
    }
    let mut ms = whole * 1000;
    if chunk.get(p) == Some(&b'.') {
        p += 1;
        let frac_start = p;
        let mut frac: i64 = 0;
        while let Some(&b @ b'0'..=b'9') = chunk.get(p) {
            if p - frac_start == 3 {
                return None;
            }
            frac = frac * 10 + i64::from(b - b'0');
            p += 1;
        }
        ms += match p - frac_start {
            1 => frac * 100,
            2 => frac * 10,
            3 => frac,
            _ => return None,
        };
    }
    // The number must visibly end inside this chunk.
    match chunk.get(p)? {
        b'e' | b'E' | b'.' | b'+' | b'-' => None,
        _ => Some((ms, p)),
    }
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A sample value: the special spellings, and plain decimals of up to 19 digits, computed
/// exactly (the same bits as `str::parse`, which everything else goes through): one
/// division of two exact floats when the digits fit 53 bits (Clinger's fast path), else
/// integer division by the power of ten with round-half-even.
#[inline]
fn fast_value(s: &[u8]) -> Option<f64> {
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'N' | b'+' | b'I' => return parse_value(s),
        _ => (false, s),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut frac = 0usize;
    let mut seen_dot = false;
    let mut i = 0;
    while i < digits.len() {
        match digits[i] {
            b @ b'0'..=b'9' => {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                count += 1;
                if seen_dot {
                    frac += 1;
                }
            }
            b'.' if !seen_dot && i > 0 && i + 1 < digits.len() => seen_dot = true,
            _ => return parse_value(s),
        }
        i += 1;
    }
    if count == 0 || count > 19 {
        return parse_value(s);
    }
    let v = if mantissa <= 1u64 << 53 && frac < POW10.len() {
        mantissa as f64 / POW10[frac]
    } else if frac == 0 {
        // u64 to f64 rounds to nearest, ties to even.
        mantissa as f64
    } else if frac < POW10_U64.len() {
        div_pow10(mantissa, frac)
    } else {
        return parse_value(s);
    };
    Some(if negative { -v } else { v })
}

const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `floor(2^128 / 10^f)`; 10^f is never a power of two, so `u128::MAX / 10^f` is that.
const RECIPROCAL: [u128; 20] = {
    let mut t = [0u128; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = u128::MAX / POW10_U64[i] as u128;
        i += 1;
    }
    t
};

/// `m / 10^f` rounded to nearest, ties to even, for `m > 2^53` and `1 <= f <= 19`.
fn div_pow10(m: u64, f: usize) -> f64 {
    let q = u128::from(POW10_U64[f]);
    let lz = m.leading_zeros();
    // n in [2^63, 2^64); the quotient floor(n * 2^64 / q) then has 64 to 124 bits.
    let n = u128::from(m << lz);
    let t = RECIPROCAL[f];
    // floor(n * t / 2^64) is the quotient or one less, since t > 2^128 / q - 1.
    let mut quotient = n * (t >> 64) + ((n * (t & u128::from(u64::MAX))) >> 64);
    let mut rest = (n << 64).wrapping_sub(quotient.wrapping_mul(q));
    if rest >= q {
        quotient += 1;
        rest -= q;
    }
    let bits = 128 - quotient.leading_zeros();
    let shift = bits - 53;
    let mut mantissa = (quotient >> shift) as u64;
    let low = quotient & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    if low > half || (low == half && (rest != 0 || mantissa & 1 == 1)) {
        // 2^53 after rounding up is still exact.
        mantissa += 1;
    }
    let exponent = shift as i32 - 64 - lz as i32;
    mantissa as f64 * f64::from_bits(((exponent + 1023) as u64) << 52)
}

/// A sample value as Prometheus writes it: a number, `NaN`, `+Inf`, `Inf` or `-Inf`.
fn parse_value(s: &[u8]) -> Option<f64> {
    match s {
        b"NaN" => Some(f64::NAN),
        b"+Inf" | b"Inf" => Some(f64::INFINITY),
        b"-Inf" => Some(f64::NEG_INFINITY),
        _ => parse_f64(s),
    }
}

fn parse_f64(s: &[u8]) -> Option<f64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn seconds_to_ms(seconds: f64) -> i64 {
    // `as` saturates: out-of-range times become i64 bounds, refused later by the frames.
    (seconds * 1000.0).round() as i64
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(s: &[u8]) -> bool {
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if s.first() == Some(&b'-') {
        i += 1;
    }
    match s.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == s.len()
}

#[cfg(test)]
mod tests {
    use super::super::response::{Envelope, MatrixData};
    use super::*;

    /// A tiny deterministic generator, so failures replay.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    const LABEL_TEXTS: &[&str] = &[
        "mahavishnu",
        r#"quote \" inside"#,
        r"back \\ slash",
        r"tab\tnew\nline\r\b\f\/",
        r"caf\u00e9 \u00C9t\u00e9",
        r"emoji \ud83d\ude00 pair",
        "raw utf-8 café ✓",
        "",
        r"\u0000 nul",
    ];
    const VALUES: &[&str] = &[
        "0",
        "1",
        "1.5",
        "-2.25",
        "NaN",
        "+Inf",
        "-Inf",
        "Inf",
        "0.000012",
        "123456789.123",
        "1e-7",
        "-0",
        "1.7976931348623157e308",
        "12345678901234567890",
        "3.141592653589793",
    ];
    const TIMES: &[&str] = &[
        "1700000000",
        "1700000015.5",
        "1700000030.25",
        "1700000045.125",
    ];

    fn generate(rng: &mut Rng, series: usize, points: usize) -> String {
        let mut s = String::from(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
        for i in 0..series {
            if i > 0 {
                s.push(',');
            }
            s.push_str(r#"{"metric":{"__name__":"up","#);
            for l in 0..rng.below(4) {
                let text = LABEL_TEXTS[rng.below(LABEL_TEXTS.len() as u64) as usize];
                s.push_str(&format!(r#""l{l}":"{text}","#));
            }
            s.push_str(&format!(r#""job":"j{i}"}},"values":["#));
            for p in 0..points {
                if p > 0 {
                    s.push(',');
                }
                let t = TIMES[rng.below(TIMES.len() as u64) as usize];
                let v = VALUES[rng.below(VALUES.len() as u64) as usize];
                match rng.below(8) {
                    0 => s.push_str(&format!("[ {t} , \"{v}\" ]")),
                    1 if !v.contains(['N', 'I']) => {
                        s.push_str(&format!("[{t},{}]", v.trim_start_matches('+')))
                    }
                    2 => s.push_str(&format!("[{t},\"{v}\",\"extra\"]")),
                    _ => s.push_str(&format!("[{t},\"{v}\"]")),
                }
            }
            s.push_str("]}");
        }
        s.push_str(r#"],"stats":{"timings":{"evalTotalTime":0.1}}},"warnings":["w \u00e9"],"infos":["i"]}"#);
        s
    }

    fn with_serde(body: &[u8]) -> Result<(Vec<Series>, Vec<String>), String> {
        let env: Envelope<MatrixData> = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let data = env.data.ok_or("no data")?;
        let mut warnings = env.warnings;
        warnings.extend(env.infos);
        Ok((data.result, warnings))
    }

    /// Series equality with NaN equal to itself.
    fn same(a: &[Series], b: &[Series]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.labels == y.labels
                    && x.timestamps == y.timestamps
                    && x.values.len() == y.values.len()
                    && x.values
                        .iter()
                        .zip(&y.values)
                        .all(|(p, q)| p.to_bits() == q.to_bits())
            })
    }

    fn chunked(body: &[u8], cuts: &[usize]) -> Result<MatrixResponse, MatrixError> {
        let mut parts = Vec::new();
        let mut last = 0;
        for &c in cuts {
            parts.push(&body[last..c]);
            last = c;
        }
        parts.push(&body[last..]);
        parse_response_chunks(parts)
    }

    #[test]
    fn timestamps_too_long_for_the_fast_path_never_overflow() {
        for ts in [
            "18446744073709551616",
            "1700000000.1234567890123",
            "9999999999999",
        ] {
            let body = format!(
                r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{}},"values":[[{ts},"2"]]}}]}}}}"#
            );
            // Whatever the verdict, it is an answer, not a panic.
            let _ = parse_matrix(body.as_bytes());
        }
    }

    #[test]
    fn generated_payloads_equal_the_serde_parser() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..200 {
            let body = generate(&mut rng, (round % 7) as usize, (round % 13) as usize);
            let expected = with_serde(body.as_bytes()).unwrap();
            let (series, warnings) = parse_matrix(body.as_bytes()).unwrap();
            assert!(same(&series, &expected.0), "round {round}: {body}");
            assert_eq!(warnings, expected.1);
            // Random chunkings agree too.
            let cuts: Vec<usize> = {
                let mut c: Vec<usize> = (0..rng.below(20))
                    .map(|_| rng.below(body.len() as u64 + 1) as usize)
                    .collect();
                c.sort_unstable();
                c
            };
            let again = chunked(body.as_bytes(), &cuts).unwrap();
            assert!(
                same(&again.data.unwrap().result, &expected.0),
                "cuts {cuts:?}"
            );
        }
    }

    #[test]
    fn escapes_and_special_values_decode_exactly() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"a\"b":"c\\d","e":"\u00e9\ud83d\ude00\n\t\/","f":"caf\u00E9"},
             "values":[[1700000000,"NaN"],[1700000000.001,"+Inf"],[1700000000.01,"-Inf"],[1700000000.1,"Inf"],[1.7e9,"-0"]]}]}}"#;
        let (series, _) = parse_matrix(body).unwrap();
        let s = &series[0];
        assert_eq!(s.labels["a\"b"], "c\\d");
        assert_eq!(s.labels["e"], "é😀\n\t/");
        assert_eq!(s.labels["f"], "café");
        assert_eq!(
            s.timestamps,
            [
                1_700_000_000_000,
                1_700_000_000_001,
                1_700_000_000_010,
                1_700_000_000_100,
                1_700_000_000_000
            ]
        );
        assert!(s.values[0].is_nan());
        assert_eq!(s.values[1], f64::INFINITY);
        assert_eq!(s.values[2], f64::NEG_INFINITY);
        assert_eq!(s.values[3], f64::INFINITY);
        assert!(s.values[4] == 0.0 && s.values[4].is_sign_negative());
    }

    #[test]
    fn every_split_point_gives_the_same_answer() {
        let mut rng = Rng(42);
        let body = generate(&mut rng, 3, 4);
        let whole = parse_response(body.as_bytes()).unwrap();
        for cut in 0..=body.len() {
            let split = chunked(body.as_bytes(), &[cut]).unwrap();
            assert!(same(
                &split.data.as_ref().unwrap().result,
                &whole.data.as_ref().unwrap().result
            ));
            assert_eq!(split.warnings, whole.warnings, "cut at {cut}");
        }
        for a in (0..body.len()).step_by(7) {
            for b in (a..=body.len()).step_by(5) {
                let split = chunked(body.as_bytes(), &[a, b]).unwrap();
                assert!(same(
                    &split.data.unwrap().result,
                    &whole.data.as_ref().unwrap().result
                ));
            }
        }
        let bytes: Vec<&[u8]> = body.as_bytes().chunks(1).collect();
        let one_by_one = parse_response_chunks(bytes).unwrap();
        assert!(same(
            &one_by_one.data.unwrap().result,
            &whole.data.unwrap().result
        ));
    }

    #[test]
    fn empty_results_and_error_envelopes() {
        let (series, warnings) =
            parse_matrix(br#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#)
                .unwrap();
        assert!(series.is_empty() && warnings.is_empty());

        let env = parse_response(
            br#"{"status":"error","errorType":"bad_data","error":"parse error at char 3","warnings":["w"],"infos":["i"]}"#,
        )
        .unwrap();
        assert_eq!(env.status, "error");
        assert_eq!(env.error_type.as_deref(), Some("bad_data"));
        assert_eq!(env.error.as_deref(), Some("parse error at char 3"));
        assert_eq!(
            (env.warnings, env.infos),
            (vec!["w".into()], vec!["i".into()])
        );
        assert!(env.data.is_none());
        let e =
            parse_matrix(br#"{"status":"error","errorType":"bad_data","error":"x","data":null}"#)
                .unwrap_err();
        assert_eq!(e.reason, "Prometheus error (bad_data): x");

        // A vector answer is skipped, not misread as series.
        let env = parse_response(
            br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2"]}}"#,
        )
        .unwrap();
        assert_eq!(env.data.unwrap().result_type, "scalar");
        let e = parse_matrix(
            br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"2"]}]}}"#,
        )
        .unwrap_err();
        assert_eq!(e.reason, "expected a matrix, got vector");
    }

    #[test]
    fn malformed_bodies_are_errors_with_an_offset() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "the body is empty"),
            (b"<html>", "unexpected '<'"),
            (b"[1]", "expected the answer to be a JSON object"),
            (br#"{"status":"success""#, "ends before the JSON is complete"),
            (br#"{"status":"success"} x"#, "unexpected 'x'"),
            (br#"{"status":"success"} {}"#, "trailing characters"),
            (br#"{"status":"success","status":"error"}"#, "duplicate field \"status\""),
            (br#"{"data":null}"#, "no \"status\""),
            (br#"{"status":1}"#, "\"status\" to be a string"),
            (br#"{"status":"s","data":{"result":[]}}"#, "no \"resultType\""),
            (br#"{"status":"s","data":{"resultType":"matrix"}}"#, "no \"result\""),
            (br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[[1,"x"]]}]}}"#, "sample value \"x\" is not a number"),
            (br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[[1]]}]}}"#, "needs a timestamp and a value"),
            (br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[["1","2"]]}]}}"#, "timestamp to be a number"),
            (br#"{"status":"s","data":{"resultType":"matrix","result":[{"values":[[01,"2"]]}]}}"#, "not a JSON number"),
            (br#"{"status":"s","data":{"resultType":"matrix","result":[{"metric":{"a":1}}]}}"#, "label value to be a string"),
            (br#"{"status":"s","data":{"resultType":"matrix","result":[1]}}"#, "a series object"),
            (br#"{"status":"\ud800"}"#, "lone leading surrogate"),
            (br#"{"status":"\udc00"}"#, "lone trailing surrogate"),
            (br#"{"status":"\ud800\u0041"}"#, "lone leading surrogate"),
            (br#"{"status":"\x"}"#, "invalid escape"),
            (br#"{"status":"\u12g4"}"#, "hex digit"),
            (b"{\"status\":\"a\nb\"}", "control character"),
            (b"{\"status\":\"\xff\"}", "not valid UTF-8"),
            (br#"{"status":"s","x":[1,}"#, "expected a value"),
            (br#"{"status":"s","x":{"a" 1}}"#, "expected ':'"),
            (br#"{"status":"s","x":tru}"#, "in a literal"),
            (br#"{"status":"s","x":1.}"#, "not a JSON number"),
            (br#"{"status":"s","x":[1 2]}"#, "expected ',' or ']'"),
            (br#"{"status":"s" "x":1}"#, "expected ',' or '}'"),
            (br#"{"status":"s",}"#, "object key"),
            (br#"{"status":"s","#, "ends before"),
            (br#"{"status":"s"#, "inside a string"),
            (br#"{"status":"s","x":nu"#, "inside a literal"),
        ];
        for (body, want) in cases {
            let err = parse_response(body).unwrap_err();
            assert!(
                err.reason.contains(want),
                "{}: got {err}",
                String::from_utf8_lossy(body)
            );
            // Fed byte by byte, the same verdict.
            let bytes: Vec<&[u8]> = body.chunks(1).collect();
            assert_eq!(parse_response_chunks(bytes).unwrap_err().reason, err.reason);
        }
        let err = parse_response(br#"{"status":"success","data":{"x":[1,2}}}"#).unwrap_err();
        assert_eq!(err.offset, 36, "{err}");
    }

    #[test]
    fn truncations_and_mutations_never_panic_and_agree_with_serde_on_validity() {
        let mut rng = Rng(7);
        let body = generate(&mut rng, 3, 3);
        for end in 0..body.len() {
            assert!(
                parse_response(&body.as_bytes()[..end]).is_err(),
                "prefix {end}"
            );
        }
        let alphabet = b"{}[]:,\"\\ 0123456789.eE+-tfnulsaNI\x00\xff\xc3u";
        for _ in 0..20_000 {
            let mut m = body.as_bytes().to_vec();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(m.len() as u64) as usize;
                match rng.below(3) {
                    0 => m[at] = alphabet[rng.below(alphabet.len() as u64) as usize],
                    1 => {
                        m.remove(at);
                    }
                    _ => m.insert(at, alphabet[rng.below(alphabet.len() as u64) as usize]),
                }
            }
            let ours = parse_matrix(&m);
            let theirs = with_serde(&m);
            if let (Ok(a), Ok(b)) = (&ours, &theirs) {
                assert!(same(&a.0, &b.0), "{}", String::from_utf8_lossy(&m));
            }
            if theirs.is_err() != ours.is_err() {
                // Where the verdicts differ: a status other than success (serde's helper here
                // does not look at it), or bytes that are not UTF-8 in a place serde skips
                // without checking and we do not.
                let text = String::from_utf8_lossy(&m);
                assert!(
                    ours.as_ref().err().is_some_and(|e| e.offset == 0)
                        || (std::str::from_utf8(&m).is_err() && ours.is_err()),
                    "ours {ours:?} theirs {theirs:?} on {text}"
                );
            }
        }
    }

    #[test]
    fn decimal_values_have_the_bits_of_str_parse() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut checked = 0;
        for _ in 0..300_000 {
            let len = 1 + rng.below(19) as usize;
            let mut digits: String = (0..len)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            if len > 1 && rng.below(2) == 0 {
                let dot = 1 + rng.below(len as u64 - 1) as usize;
                digits.insert(dot, '.');
            }
            if rng.below(4) == 0 {
                digits.insert(0, '-');
            }
            let want: f64 = digits.parse().unwrap();
            let got = fast_value(digits.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{digits}");
            checked += 1;
        }
        // Exact halfway points between two floats, written with a decimal part.
        for _ in 0..50_000 {
            let m = (1u64 << 52) + rng.below(1 << 52);
            let e = 1 + rng.below(6) as u32;
            let mid = (2 * u128::from(m) + 1) << (e - 1);
            for text in [format!("{mid}.0"), format!("{mid}.00")] {
                if text.len() > 20 {
                    continue;
                }
                let want: f64 = text.parse().unwrap();
                assert_eq!(
                    fast_value(text.as_bytes()).unwrap().to_bits(),
                    want.to_bits(),
                    "{text}"
                );
                checked += 1;
            }
        }
        for text in [
            "1.7469428500124782",
            "0.49800796812749004",
            "9999999999999999999",
            "0.0000000000000000001",
            "9007199254740993",
            "9007199254740993.0",
            "18446744073709551615",
        ] {
            let want: f64 = text.parse().unwrap();
            assert_eq!(
                fast_value(text.as_bytes()).unwrap().to_bits(),
                want.to_bits(),
                "{text}"
            );
        }
        assert!(checked > 300_000);
    }

    #[test]
    fn the_next_series_gets_its_capacity_from_the_last() {
        let body = br#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[1,"1"],[2,"2"],[3,"3"]]},{"metric":{},"values":[[1,"1"],[2,"2"],[3,"3"]]}]}}"#;
        let (series, _) = parse_matrix(body).unwrap();
        assert_eq!(series[1].timestamps.capacity(), 3);
        assert_eq!(series[1].values.capacity(), 3);
    }
}

//! JSON tokens read across chunk boundaries: a chunk may end anywhere, even inside a
//! string escape, and the token goes on with the next chunk. Strings are decoded into
//! [`Lexer::text`], numbers are checked against JSON's grammar and kept as written in
//! [`Lexer::number`]; what they mean is the automaton's business.

use super::super::number::{fast_time, fast_value, is_json_number};
use super::MatrixError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    /// Text in [`Lexer::text`].
    Str,
    /// Text in [`Lexer::number`], validated.
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

/// The lexer's state between chunks.
#[derive(Debug)]
pub(super) struct Lexer {
    /// Bytes of the body before the current chunk.
    pub(super) offset: u64,
    partial: Partial,
    /// A pending `\uD800`-`\uDBFF` escape waiting for its low half.
    high_surrogate: Option<u32>,
    /// The string being read is skipped: like serde, surrogates and UTF-8 go unchecked.
    lenient: bool,
    /// The last string, unescaped.
    pub(super) text: Vec<u8>,
    /// The last number, as written.
    pub(super) number: Vec<u8>,
}

impl Lexer {
    pub(super) fn new() -> Self {
        Lexer {
            offset: 0,
            partial: Partial::None,
            high_surrogate: None,
            lenient: false,
            text: Vec::new(),
            number: Vec::new(),
        }
    }

    /// An error at `pos` of the current chunk.
    pub(super) fn error(&self, pos: usize, reason: String) -> MatrixError {
        MatrixError {
            offset: self.offset + pos as u64,
            reason,
        }
    }

    /// Whether the previous chunk ended inside a token.
    pub(super) fn in_token(&self) -> bool {
        self.partial != Partial::None
    }

    /// The token starting at `*pos` (not whitespace), or `None` when the chunk ends inside
    /// it. `kept` tells whether a string starting here is kept, and so checked strictly.
    #[inline]
    pub(super) fn token(
        &mut self,
        chunk: &[u8],
        pos: &mut usize,
        kept: impl FnOnce() -> bool,
    ) -> Result<Option<Tok>, MatrixError> {
        let at = *pos;
        let tok = match chunk[at] {
            b'{' => Tok::LBrace,
            b'}' => Tok::RBrace,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b':' => Tok::Colon,
            b',' => Tok::Comma,
            b'"' => {
                *pos += 1;
                self.text.clear();
                self.high_surrogate = None;
                self.lenient = !kept();
                self.partial = Partial::Str(Escape::None);
                return self.lex_string(chunk, pos);
            }
            b'-' | b'0'..=b'9' => {
                self.number.clear();
                self.partial = Partial::Num;
                return self.lex_number(chunk, pos);
            }
            b't' | b'f' | b'n' => {
                let word: &'static [u8] = match chunk[at] {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                self.partial = Partial::Literal { word, matched: 0 };
                return self.lex_literal(chunk, pos);
            }
            other => return Err(self.error(at, format!("unexpected {}", show(other)))),
        };
        *pos += 1;
        Ok(Some(tok))
    }

    /// The token the body ended in: a number is complete, anything else is cut short.
    pub(super) fn end_of_body(&mut self) -> Result<Option<Tok>, MatrixError> {
        match self.partial {
            Partial::None => Ok(None),
            Partial::Num => self.end_number(0).map(Some),
            Partial::Str(_) => Err(self.error(0, "the body ends inside a string".into())),
            Partial::Literal { .. } => Err(self.error(0, "the body ends inside a literal".into())),
        }
    }

    pub(super) fn resume(
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

pub(super) fn skip_ws(chunk: &[u8], mut p: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = chunk.get(p) {
        p += 1;
    }
    p
}

/// One `[<seconds>,"<value>"]` pair starting at `p`, and the position after it; `None`
/// for anything the general path must look at.
#[inline]
pub(super) fn fast_pair(chunk: &[u8], p: usize) -> Option<(i64, f64, usize)> {
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

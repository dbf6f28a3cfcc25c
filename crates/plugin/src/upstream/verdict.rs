//! The one place an answer is judged: Prometheus's envelope (or the failure to read one)
//! and the HTTP reply it came in become the data and its warnings, or the error a user
//! sees. Every call goes through [`conclude`], whichever reader parsed the body: serde for
//! small answers, the streaming parser for matrices, the serde oracle in tests.

use reqwest::StatusCode;

use super::response::{Envelope, Series};
use super::stream::{Matrix, MatrixParser};
use super::{Answer, UpstreamError};

/// What is known of a reply beside its parsed body.
pub(super) struct Reply<'a> {
    /// The datasource URL, without credentials.
    pub url: &'a str,
    pub status: StatusCode,
    /// The `Content-Type` header, or empty.
    pub content_type: &'a str,
    /// The start of the body, for an error status's extract.
    pub head: &'a [u8],
}

impl<'a> Reply<'a> {
    /// A whole body read on its own: `200 OK`, JSON.
    pub fn body(head: &'a [u8]) -> Self {
        Reply {
            url: "(body)",
            status: StatusCode::OK,
            content_type: "application/json",
            head,
        }
    }

    pub fn malformed(&self, detail: String) -> UpstreamError {
        UpstreamError::Malformed {
            url: self.url.to_string(),
            detail,
        }
    }
}

/// The verdict on an answer: Prometheus's word first (success or its own error), then the
/// HTTP status, then why the body was not an answer at all.
pub(super) fn conclude<T>(
    parsed: Result<Envelope<T>, String>,
    reply: &Reply,
) -> Result<Answer<T>, UpstreamError> {
    let content_type = reply.content_type;
    match parsed {
        Ok(env) if env.status == "success" => {
            let data = env
                .data
                .ok_or_else(|| reply.malformed("a success without data".to_string()))?;
            let mut warnings = env.warnings;
            warnings.extend(env.infos);
            Ok(Answer { data, warnings })
        }
        Ok(env) if env.status == "error" => Err(UpstreamError::Api {
            error_type: env.error_type.unwrap_or_else(|| "error".to_string()),
            message: env.error.unwrap_or_else(|| "no reason given".to_string()),
        }),
        _ if !reply.status.is_success() => Err(UpstreamError::Status {
            url: reply.url.to_string(),
            status: reply.status.to_string(),
            body: extract(reply.head),
        }),
        Ok(env) => Err(reply.malformed(format!("status {:?}", env.status))),
        Err(e) if !content_type.is_empty() && !content_type.contains("json") => {
            Err(reply.malformed(format!("content type {content_type}, not JSON; {e}")))
        }
        Err(e) => Err(reply.malformed(e)),
    }
}

/// The verdict on a range query's answer: [`conclude`], and the result must be a matrix.
pub(super) fn conclude_matrix(
    parsed: Result<Envelope<Matrix>, String>,
    reply: &Reply,
) -> Result<Answer<Vec<Series>>, UpstreamError> {
    let answer = conclude(parsed, reply)?;
    if answer.data.result_type != "matrix" {
        return Err(reply.malformed(format!(
            "expected a matrix, got {}",
            answer.data.result_type
        )));
    }
    Ok(Answer {
        data: answer.data.result,
        warnings: answer.warnings,
    })
}

/// Reads a whole `query_range` answer body with the streaming parser and judges it as
/// [`super::Prometheus::query_range`] does (the URL in errors is `(body)`).
pub fn parse_matrix(body: &[u8]) -> Result<Answer<Vec<Series>>, UpstreamError> {
    let parsed = MatrixParser::parse([body]).map_err(|e| e.to_string());
    conclude_matrix(parsed, &Reply::body(body))
}

/// How much of an error body [`extract`] looks at.
pub(super) const EXTRACT_BYTES: usize = 4096;

/// A short, tag-free extract of an error body.
fn extract(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(EXTRACT_BYTES)]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(if c.is_whitespace() { ' ' } else { c }),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.is_empty() {
        String::new()
    } else if joined.chars().count() > 200 {
        format!(": {}...", joined.chars().take(200).collect::<String>())
    } else {
        format!(": {joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_error_pages_become_one_short_line() {
        let html = b"<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>";
        assert_eq!(extract(html), ": 502 Bad Gateway Bad Gateway");
        assert_eq!(extract(b""), "");
    }

    #[test]
    fn prometheus_errors_come_before_the_http_status() {
        let body = br#"{"status":"error","errorType":"bad_data","error":"x"}"#;
        let reply = Reply {
            status: StatusCode::BAD_REQUEST,
            ..Reply::body(body)
        };
        let parsed = Ok(Envelope::<()> {
            status: "error".into(),
            error_type: Some("bad_data".into()),
            error: Some("x".into()),
            ..Envelope::default()
        });
        assert_eq!(
            conclude(parsed, &reply).unwrap_err().to_string(),
            "Prometheus rejected the query (bad_data): x"
        );
        let html = b"<h1>Bad Gateway</h1>";
        let reply = Reply {
            status: StatusCode::BAD_GATEWAY,
            content_type: "text/html",
            ..Reply::body(html)
        };
        let err = conclude::<()>(Err("expected value".into()), &reply).unwrap_err();
        assert_eq!(
            err.to_string(),
            "(body) answered HTTP 502 Bad Gateway: Bad Gateway"
        );
        let reply = Reply {
            content_type: "text/html",
            ..Reply::body(html)
        };
        let err = conclude::<()>(Err("expected value".into()), &reply).unwrap_err();
        assert!(
            err.to_string().contains("content type text/html, not JSON"),
            "{err}"
        );
    }
}

//! The Data service, `pluginv2.Data/QueryData`, whose reply hands each frame's Arrow IPC to
//! the HTTP/2 connection as it is, without copying it into one protobuf message first.
//!
//! tonic's generated server encodes the reply into one buffer: every frame (up to hundreds
//! of MB) would be held twice until it is sent. Here the reply's protobuf is written as
//! chunks instead (field headers, small frames gathered, each larger frame's own bytes) that
//! concatenate to exactly what prost writes for the same `QueryDataResponse`; the HTTP/2
//! layer sends them in order and drops each once written. The memory the query was charged
//! is held until the last chunk has left ([`crate::budget::HoldReplies`] wraps this service).

use std::convert::Infallible;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use grafana_plugin_sdk::pluginv2;
use http_body::{Body, Frame, SizeHint};
use prost::Message;
use tonic::body::BoxBody;
use tonic::codegen::{http, BoxFuture, Service};
use tonic::server::NamedService;
use tonic::{Code, Status};

use crate::budget::Held;
use crate::service::Plugin;

/// Largest request accepted, bytes: tonic's default for a decoded message.
const MAX_REQUEST: usize = 4 << 20;
/// Frames smaller than this are copied into the surrounding chunk instead of sent alone.
const GATHER: usize = 1024;
/// Size at which gathered bytes become a chunk of their own.
const CHUNK: usize = 16 << 10;
const PATH: &str = "/pluginv2.Data/QueryData";

/// One query's answer: its frames (Arrow IPC) apart from the rest of its `DataResponse`.
#[derive(Debug, Default)]
pub struct Answer {
    /// Everything but the frames (`frames` is empty).
    pub response: pluginv2::DataResponse,
    /// The frames, in order.
    pub frames: Vec<Bytes>,
}

/// The answers of one `QueryData` call and the budget they hold until sent.
#[derive(Debug)]
pub struct Reply {
    /// Per refId.
    pub answers: std::collections::HashMap<String, Answer>,
    /// Released when the reply has been sent (or the call dropped), by
    /// [`crate::budget::HoldReplies`].
    pub held: Held,
}

/// The Data service of [`Plugin`].
#[derive(Debug, Clone)]
pub struct DataService(pub Arc<Plugin>);

impl NamedService for DataService {
    const NAME: &'static str = "pluginv2.Data";
}

impl Service<http::Request<BoxBody>> for DataService {
    type Response = http::Response<BoxBody>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<BoxBody>) -> Self::Future {
        let plugin = self.0.clone();
        Box::pin(async move {
            if request.uri().path() != PATH {
                return Ok(Status::unimplemented(format!(
                    "{} is not a method of pluginv2.Data",
                    request.uri().path()
                ))
                .into_http());
            }
            let request = match read_request(request.into_body()).await {
                Ok(r) => r,
                Err(status) => return Ok(status.into_http()),
            };
            let reply = plugin.query_data(request).await;
            let mut trailers = http::HeaderMap::new();
            // Code::Ok always renders as a header.
            let _ = Status::new(Code::Ok, "").add_header(&mut trailers);
            let chunks = match encode(reply.answers) {
                Ok(chunks) => chunks,
                Err(size) => {
                    return Ok(Status::resource_exhausted(format!(
                        "the reply of {size} bytes is larger than one gRPC message can be \
                         (4 GiB); narrow the queries or lower maxResponseBytes"
                    ))
                    .into_http())
                }
            };
            let body = ReplyBody {
                started: std::time::Instant::now(),
                chunks: chunks.into_iter(),
                trailers: Some(trailers),
            };
            let mut response = http::Response::new(tonic::body::boxed(body));
            response.extensions_mut().insert(reply.held);
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/grpc"),
            );
            Ok(response)
        })
    }
}

/// The request message of a unary call: one uncompressed gRPC message.
async fn read_request(mut body: BoxBody) -> Result<pluginv2::QueryDataRequest, Status> {
    let mut buf = BytesMut::new();
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        if let Ok(data) = frame?.into_data() {
            if buf.len() + data.len() > MAX_REQUEST + 5 {
                return Err(Status::resource_exhausted(format!(
                    "the QueryData request is larger than {MAX_REQUEST} bytes"
                )));
            }
            buf.extend_from_slice(&data);
        }
    }
    let Some((&[compressed, a, b, c, d], message)) = buf.split_first_chunk::<5>() else {
        return Err(Status::internal(
            "the QueryData request has no gRPC message",
        ));
    };
    if compressed != 0 {
        return Err(Status::unimplemented(
            "compressed QueryData requests are not accepted",
        ));
    }
    let len = u32::from_be_bytes([a, b, c, d]) as usize;
    if message.len() != len {
        return Err(Status::internal(format!(
            "the QueryData request announces {len} bytes and holds {}",
            message.len()
        )));
    }
    pluginv2::QueryDataRequest::decode(message)
        .map_err(|e| Status::internal(format!("the QueryData request cannot be decoded: {e}")))
}

/// The gRPC message (5-byte prefix, then the `QueryDataResponse` protobuf as prost writes
/// it) as chunks, or the message's size when it is too large to frame.
fn encode(answers: std::collections::HashMap<String, Answer>) -> Result<Vec<Bytes>, usize> {
    // Each map entry: key (field 1, omitted when empty) and value (field 2, omitted when
    // the DataResponse is empty), as prost encodes a map<string, message>.
    let entries: Vec<(String, Vec<u8>, Vec<Bytes>)> = answers
        .into_iter()
        .map(|(key, a)| (key, a.response.encode_to_vec(), a.frames))
        .collect();
    let value_len = |rest: &[u8], frames: &[Bytes]| -> usize {
        rest.len()
            + frames
                .iter()
                .map(|f| 1 + prost::length_delimiter_len(f.len()) + f.len())
                .sum::<usize>()
    };
    let entry_len = |key: &str, value: usize| -> usize {
        let key = if key.is_empty() {
            0
        } else {
            1 + prost::length_delimiter_len(key.len()) + key.len()
        };
        let value = if value == 0 {
            0
        } else {
            1 + prost::length_delimiter_len(value) + value
        };
        key + value
    };
    let message: usize = entries
        .iter()
        .map(|(key, rest, frames)| {
            let entry = entry_len(key, value_len(rest, frames));
            1 + prost::length_delimiter_len(entry) + entry
        })
        .sum();
    let Ok(message_len) = u32::try_from(message) else {
        return Err(message);
    };
    let mut out = Chunks::default();
    out.small.put_u8(0);
    out.small.put_u32(message_len);
    for (key, rest, frames) in entries {
        let value = value_len(&rest, &frames);
        out.header(1, entry_len(&key, value));
        if !key.is_empty() {
            out.header(1, key.len());
            out.small.put_slice(key.as_bytes());
        }
        if value > 0 {
            out.header(2, value);
            for frame in frames {
                out.header(1, frame.len());
                out.frame(frame);
            }
            out.small.put_slice(&rest);
        }
    }
    Ok(out.finish())
}

/// Chunks of a reply: small pieces gathered, large frames kept as they are.
#[derive(Default)]
struct Chunks {
    small: BytesMut,
    out: Vec<Bytes>,
}

impl Chunks {
    /// A length-delimited field's tag and length.
    fn header(&mut self, field: u32, len: usize) {
        prost::encoding::encode_key(
            field,
            prost::encoding::WireType::LengthDelimited,
            &mut self.small,
        );
        prost::encoding::encode_varint(len as u64, &mut self.small);
    }

    fn frame(&mut self, frame: Bytes) {
        if frame.len() < GATHER {
            self.small.put_slice(&frame);
            if self.small.len() >= CHUNK {
                self.out.push(self.small.split().freeze());
            }
            return;
        }
        if !self.small.is_empty() {
            self.out.push(self.small.split().freeze());
        }
        self.out.push(frame);
    }

    fn finish(mut self) -> Vec<Bytes> {
        if !self.small.is_empty() {
            self.out.push(self.small.split().freeze());
        }
        self.out
    }
}

/// The reply's body: its chunks, then the trailers with `grpc-status: 0`.
struct ReplyBody {
    started: std::time::Instant,
    chunks: std::vec::IntoIter<Bytes>,
    trailers: Option<http::HeaderMap>,
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        if let Some(chunk) = self.chunks.next() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if let Some(trailers) = self.trailers.take() {
            tracing::debug!(
                sending_ms = self.started.elapsed().as_secs_f64() * 1e3,
                "reply handed over"
            );
            return Poll::Ready(Some(Ok(Frame::trailers(trailers))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.len() == 0 && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        let left: usize = self.chunks.as_slice().iter().map(Bytes::len).sum();
        SizeHint::with_exact(left as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(frames: &[usize], status: i32, error: &str) -> Answer {
        Answer {
            response: pluginv2::DataResponse {
                status,
                error: error.to_string(),
                ..Default::default()
            },
            frames: frames
                .iter()
                .enumerate()
                .map(|(i, &n)| Bytes::from(vec![i as u8; n]))
                .collect(),
        }
    }

    /// What prost writes for the same answers, with the 5-byte gRPC prefix.
    fn prost_message(answers: &std::collections::HashMap<String, Answer>) -> Vec<u8> {
        let response = pluginv2::QueryDataResponse {
            responses: answers
                .iter()
                .map(|(k, a)| {
                    let mut r = a.response.clone();
                    r.frames = a.frames.iter().map(|f| f.to_vec()).collect();
                    (k.clone(), r)
                })
                .collect(),
        };
        let body = response.encode_to_vec();
        let mut out = vec![0];
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn the_chunks_are_the_bytes_prost_writes() {
        let cases: Vec<Vec<(&str, Answer)>> = vec![
            vec![("A", answer(&[5000, 10, 0, 200_000, 3], 200, ""))],
            vec![("A", answer(&[], 502, "Prometheus did not answer"))],
            vec![("", answer(&[2000], 200, ""))],
            vec![("B", Answer::default())],
            vec![("", Answer::default())],
            vec![("A", answer(&[100; 400], 200, ""))],
            vec![],
        ];
        for case in cases {
            let answers: std::collections::HashMap<String, Answer> =
                case.into_iter().map(|(k, a)| (k.to_string(), a)).collect();
            let want = prost_message(&answers);
            let chunks = encode(answers).unwrap();
            assert!(chunks.iter().all(|c| !c.is_empty()));
            assert_eq!(chunks.concat(), want);
        }
    }

    #[test]
    fn large_frames_are_sent_without_a_copy() {
        let frame = Bytes::from(vec![7u8; 50_000]);
        let at = frame.as_ptr();
        let answers = [(
            "A".to_string(),
            Answer {
                response: pluginv2::DataResponse {
                    status: 200,
                    ..Default::default()
                },
                frames: vec![frame],
            },
        )]
        .into_iter()
        .collect();
        let chunks = encode(answers).unwrap();
        assert!(chunks.iter().any(|c| c.as_ptr() == at && c.len() == 50_000));
    }

    #[test]
    fn several_answers_decode_as_prost_reads_them() {
        let answers: std::collections::HashMap<String, Answer> = [
            ("A".to_string(), answer(&[3000, 20], 200, "")),
            ("B".to_string(), answer(&[], 400, "bad query")),
            ("C".to_string(), answer(&[1], 200, "")),
        ]
        .into_iter()
        .collect();
        let want = prost_message(&answers);
        let got = encode(answers).unwrap().concat();
        assert_eq!(got.len(), want.len());
        let decode = |b: &[u8]| pluginv2::QueryDataResponse::decode(&b[5..]).unwrap();
        assert_eq!(decode(&got), decode(&want));
    }
}

//! Test parts shared by the crate's unit tests.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::engine::Known;
use crate::queries::Context;
use crate::settings::Settings;
use crate::upstream::Prometheus;

/// A loopback server that answers `body` (JSON) to every request and returns each
/// request's head, lower-cased.
pub async fn serve(body: &'static str) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    serve_in_pieces(body, usize::MAX).await
}

/// [`serve`], the body written `piece` bytes at a time, each flushed, so the plugin reads
/// it in several chunks.
pub async fn serve_in_pieces(
    body: &'static str,
    piece: usize,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tx.send(String::from_utf8_lossy(&head).to_ascii_lowercase());
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = conn.write_all(reply.as_bytes()).await;
                for piece in body.as_bytes().chunks(piece) {
                    let _ = conn.write_all(piece).await;
                    let _ = conn.flush().await;
                    tokio::task::yield_now().await;
                }
            });
        }
    });
    (url, rx)
}

/// A query's context over `settings` for the range `from_ms` to `to_ms`: a 15 s interval,
/// 100 points, not from alerting, refId "A".
pub fn context<'a>(
    settings: &'a Settings,
    prometheus: &'a Prometheus,
    engine: &'a Known,
    from_ms: i64,
    to_ms: i64,
) -> Context<'a> {
    Context {
        settings,
        prometheus,
        engine,
        from_ms,
        to_ms,
        interval_ms: 15_000,
        max_data_points: 100,
        from_alert: false,
        ref_id: "A",
    }
}

//! axum's server websocket as the `Stream`/`Sink` of binary payloads that the core's socket layer
//! (`wazap::socket::server_handshake`, `NoiseSocket`) runs over.
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::extract::ws::{Message, WebSocket};
use futures_util::{Sink, Stream};
use wazap::socket::SocketError;

/// Binary messages of an accepted websocket. Pings are answered by the websocket library; a
/// close message or a transport error ends the stream (logged); a text message is an error.
pub struct WsBytes {
    inner: WebSocket,
}

impl WsBytes {
    pub fn new(inner: WebSocket) -> Self {
        Self { inner }
    }
}

impl Stream for WsBytes {
    type Item = Result<Vec<u8>, SocketError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            return Poll::Ready(match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
                None | Some(Ok(Message::Close(_))) => None,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "websocket read failed");
                    None
                }
                Some(Ok(Message::Binary(data))) => Some(Ok(data)),
                Some(Ok(Message::Text(_))) => Some(Err(SocketError::TextMessage)),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            });
        }
    }
}

fn closed(e: axum::Error) -> SocketError {
    tracing::debug!(error = %e, "websocket write failed");
    SocketError::Closed
}

impl Sink<Vec<u8>> for WsBytes {
    type Error = SocketError;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Pin::new(&mut self.inner).poll_ready(cx).map_err(closed)
    }

    fn start_send(mut self: Pin<&mut Self>, item: Vec<u8>) -> Result<(), SocketError> {
        Pin::new(&mut self.inner).start_send(Message::Binary(item)).map_err(closed)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Pin::new(&mut self.inner).poll_flush(cx).map_err(closed)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Pin::new(&mut self.inner).poll_close(cx).map_err(closed)
    }
}

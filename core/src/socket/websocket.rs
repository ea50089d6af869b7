//! The websocket under the frames: an adapter that turns any tokio-tungstenite stream (client or
//! server, TLS or not) into a `Stream`/`Sink` of binary payloads, and a client `connect` over
//! rustls with the ring crypto provider and the webpki root certificates.
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use futures_util::{Sink, Stream};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::header::ORIGIN;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use super::error::SocketError;
use super::frame::MAX_FRAME_SIZE;

/// WhatsApp Web's websocket endpoint (protocol-notes §1; whatsmeow `socket/constants.go`).
pub const DEFAULT_URL: &str = "wss://web.whatsapp.com/ws/chat";
/// The `Origin` header WhatsApp Web sends.
pub const DEFAULT_ORIGIN: &str = "https://web.whatsapp.com";

/// Binary websocket messages as a `Stream` of received payloads and a `Sink` of payloads to
/// send. Pings are answered by tungstenite itself; a close message or a closed connection ends
/// the stream; a text message is an error.
#[derive(Debug)]
pub struct WsMessages<S> {
    inner: S,
}

impl<S> WsMessages<S> {
    pub fn new(inner: S) -> Self {
        Self { inner }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Stream for WsMessages<S>
where
    S: Stream<Item = Result<Message, WsError>> + Unpin,
{
    type Item = Result<Vec<u8>, SocketError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            return Poll::Ready(match ready!(Pin::new(&mut self.inner).poll_next(cx)) {
                None | Some(Ok(Message::Close(_))) => None,
                Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed)) => None,
                Some(Err(e)) => Some(Err(e.into())),
                Some(Ok(Message::Binary(data))) => Some(Ok(data)),
                Some(Ok(Message::Text(_))) => Some(Err(SocketError::TextMessage)),
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            });
        }
    }
}

impl<S> Sink<Vec<u8>> for WsMessages<S>
where
    S: Sink<Message, Error = WsError> + Unpin,
{
    type Error = SocketError;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Pin::new(&mut self.inner).poll_ready(cx).map_err(Into::into)
    }

    fn start_send(mut self: Pin<&mut Self>, item: Vec<u8>) -> Result<(), SocketError> {
        Pin::new(&mut self.inner).start_send(Message::Binary(item)).map_err(Into::into)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Pin::new(&mut self.inner).poll_flush(cx).map_err(Into::into)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), SocketError>> {
        Pin::new(&mut self.inner).poll_close(cx).map_err(Into::into)
    }
}

/// The client connection [`connect`] returns.
pub type WsConnection = WsMessages<WebSocketStream<MaybeTlsStream<TcpStream>>>;

/// Settings of [`connect_with`].
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Bound on TCP connect + TLS + websocket upgrade.
    pub timeout: Duration,
    /// Largest websocket message accepted (a message can pack several frames).
    pub max_message_size: usize,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(20), max_message_size: 2 * MAX_FRAME_SIZE }
    }
}

/// The websocket settings for a given message bound: one message may hold a whole frame plus
/// its header, so the websocket frame bound equals the message bound.
pub fn websocket_config(max_message_size: usize) -> WebSocketConfig {
    WebSocketConfig {
        max_message_size: Some(max_message_size),
        max_frame_size: Some(max_message_size),
        ..WebSocketConfig::default()
    }
}

/// A rustls client configuration with the ring provider and the webpki roots. tokio-tungstenite
/// enables rustls without any crypto provider, so one is chosen here explicitly rather than
/// relying on a process-wide default.
pub fn tls_config() -> Result<Arc<rustls::ClientConfig>, SocketError> {
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| SocketError::from(WsError::Tls(e.into())))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Opens a websocket to `url` (`wss://` over rustls, or plain `ws://`, e.g. to a local sandbox)
/// with the given `Origin` header and default [`ConnectOptions`].
pub async fn connect(url: &str, origin: &str) -> Result<WsConnection, SocketError> {
    connect_with(url, origin, &ConnectOptions::default()).await
}

/// [`connect`] with explicit options.
pub async fn connect_with(
    url: &str,
    origin: &str,
    options: &ConnectOptions,
) -> Result<WsConnection, SocketError> {
    let mut request = url.into_client_request()?;
    let origin = HeaderValue::from_str(origin)
        .map_err(|e| SocketError::from(WsError::HttpFormat(e.into())))?;
    request.headers_mut().insert(ORIGIN, origin);
    let connector = Connector::Rustls(tls_config()?);
    let connecting = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(websocket_config(options.max_message_size)),
        true,
        Some(connector),
    );
    let (ws, _response) = tokio::time::timeout(options.timeout, connecting)
        .await
        .map_err(|_| SocketError::Timeout("the websocket connection"))??;
    Ok(WsMessages::new(ws))
}

//! The HTTP side of a transfer: the client (one per [`crate::client::Client`], made on its
//! first transfer, so idle clients pay nothing; the caller picks the proxy). A GET sends the
//! headers WhatsApp Web sends (`Origin`, `Referer`) and reads the body with a size bound and a
//! per-read timeout, so a stalled or oversized transfer fails instead of hanging or filling
//! memory.
use std::time::Duration;

use reqwest::header::{HeaderValue, ORIGIN, REFERER};

use super::TransferError;
use crate::socket::Proxy;

/// Longest wait for the next bytes of a transfer.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest file fetched when the message does not say its size (WhatsApp's own limit for
/// documents is 2 GB).
pub(crate) const MAX_UNKNOWN_SIZE: u64 = 2 * 1024 * 1024 * 1024;

/// An HTTP client that gives up connecting after `connect_timeout`, through `proxy` if any.
pub(crate) fn build(
    connect_timeout: Duration,
    proxy: Option<reqwest::Proxy>,
) -> Result<reqwest::Client, TransferError> {
    let mut builder =
        reqwest::Client::builder().connect_timeout(connect_timeout).read_timeout(READ_TIMEOUT);
    if let Some(proxy) = proxy {
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| TransferError::Transfer(e.to_string()))
}

/// A failed transfer (the URL left out: it carries the upload token).
fn transfer(e: reqwest::Error) -> TransferError {
    TransferError::Transfer(e.without_url().to_string())
}

/// The request with WhatsApp Web's headers.
fn with_web_headers(request: reqwest::RequestBuilder, origin: &str) -> reqwest::RequestBuilder {
    let mut request = request;
    if let Ok(value) = HeaderValue::from_str(origin) {
        request = request.header(ORIGIN, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("{origin}/")) {
        request = request.header(REFERER, value);
    }
    request
}

/// Largest upload answer read (a small JSON object).
const MAX_ANSWER: u64 = 64 * 1024;

/// POSTs `body` to `url`; the answer's body.
pub(crate) async fn post(
    http: &reqwest::Client,
    url: &str,
    origin: &str,
    body: Vec<u8>,
) -> Result<Vec<u8>, TransferError> {
    let request = with_web_headers(http.post(url), origin)
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .body(body);
    let response = request.send().await.map_err(transfer)?;
    read_body(response, MAX_ANSWER).await
}

/// GETs `url`; the body, at most `limit` bytes.
pub(crate) async fn get(
    http: &reqwest::Client,
    url: &str,
    origin: &str,
    limit: u64,
) -> Result<Vec<u8>, TransferError> {
    let response = with_web_headers(http.get(url), origin).send().await.map_err(transfer)?;
    read_body(response, limit).await
}

/// A successful answer's body, at most `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Vec<u8>, TransferError> {
    let status = response.status();
    if !status.is_success() {
        return Err(TransferError::Status { status: status.as_u16() });
    }
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(TransferError::TooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transfer)? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(TransferError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `proxy` for media transfers: the websocket's proxy, so media goes the same way.
pub(crate) fn reqwest_proxy(proxy: &Proxy) -> Result<reqwest::Proxy, TransferError> {
    let (scheme, addr, auth) = match proxy {
        Proxy::Http { addr, auth } => ("http", addr, auth),
        // socks5h: the proxy resolves the host name, as for the websocket.
        Proxy::Socks5 { addr, auth } => ("socks5h", addr, auth),
    };
    let invalid = || TransferError::Transfer(format!("invalid proxy address {addr:?}"));
    let mut url = reqwest::Url::parse(&format!("{scheme}://{addr}")).map_err(|_| invalid())?;
    if let Some((user, password)) = auth {
        // Url percent-encodes them.
        url.set_username(user).map_err(|_| invalid())?;
        url.set_password(Some(password)).map_err(|_| invalid())?;
    }
    reqwest::Proxy::all(url).map_err(|e| TransferError::Transfer(e.to_string()))
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    #[test]
    fn proxies_become_reqwest_proxies_for_media() {
        let http = Proxy::Http { addr: "127.0.0.1:3128".into(), auth: None };
        assert!(reqwest_proxy(&http).is_ok());
        let socks = Proxy::Socks5 {
            addr: "127.0.0.1:1080".into(),
            auth: Some(("user".into(), "p@ss:word".into())),
        };
        assert!(reqwest_proxy(&socks).is_ok());
        let bad = Proxy::Http { addr: "[not an address".into(), auth: None };
        assert!(matches!(reqwest_proxy(&bad), Err(TransferError::Transfer(_))));
    }

    /// Serves one request with `response`; returns the URL and the request head it got.
    async fn serve_once(response: &'static [u8]) -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v/x.enc?ccb=1", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap() == 1 {
                head.push(byte[0]);
            }
            stream.write_all(response).await.unwrap();
            String::from_utf8_lossy(&head).into_owned()
        });
        (url, task)
    }

    fn client() -> reqwest::Client {
        build(Duration::from_secs(5), None).unwrap()
    }

    #[tokio::test]
    async fn sends_the_web_headers_and_reads_the_body() {
        let (url, head) =
            serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
                .await;
        let body = get(&client(), &url, "https://web.whatsapp.com", 3).await.unwrap();
        assert_eq!(body, b"abc");
        let head = head.await.unwrap().to_ascii_lowercase();
        assert!(head.starts_with("get /v/x.enc?ccb=1 http/1.1"), "{head}");
        assert!(head.contains("origin: https://web.whatsapp.com\r\n"), "{head}");
        assert!(head.contains("referer: https://web.whatsapp.com/\r\n"), "{head}");
    }

    #[tokio::test]
    async fn server_errors_are_transient_and_missing_files_are_not() {
        let (url, _) =
            serve_once(b"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
        let e = get(&client(), &url, "o", 10).await.unwrap_err();
        assert!(matches!(e, TransferError::Status { status: 503 }) && e.is_transient(), "{e}");
        let (url, _) =
            serve_once(b"HTTP/1.1 410 Gone\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .await;
        let e = get(&client(), &url, "o", 10).await.unwrap_err();
        assert!(matches!(e, TransferError::Status { status: 410 }) && !e.is_transient(), "{e}");
    }

    #[tokio::test]
    async fn stops_reading_past_the_limit() {
        // Announced too large.
        let (url, _) =
            serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde")
                .await;
        let e = get(&client(), &url, "o", 4).await.unwrap_err();
        assert!(matches!(e, TransferError::TooLarge { limit: 4 }), "{e}");
        // Not announced (read until close), still too large.
        let (url, _) = serve_once(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabcde").await;
        let e = get(&client(), &url, "o", 4).await.unwrap_err();
        assert!(matches!(e, TransferError::TooLarge { limit: 4 }), "{e}");
    }

    #[tokio::test]
    async fn a_broken_transfer_is_transient() {
        let (url, _) =
            serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\nConnection: close\r\n\r\nabc")
                .await;
        let e = get(&client(), &url, "o", 100).await.unwrap_err();
        assert!(matches!(e, TransferError::Transfer(_)) && e.is_transient(), "{e}");
    }
}

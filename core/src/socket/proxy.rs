//! Reaching the websocket through a proxy: an HTTP proxy (`CONNECT host:port`, optional basic
//! auth) or a SOCKS5 proxy (RFC 1928, no auth or username/password per RFC 1929). The proxy only
//! carries bytes: TLS and the websocket upgrade run end to end over the tunnel (the client's
//! `connection` opens them over [`Proxy::tunnel`]; media downloads use the same proxy).
use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use thiserror::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Bound on the proxy's answer head (an HTTP status line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// Which proxy to go through.
#[derive(Clone, PartialEq, Eq)]
pub enum Proxy {
    /// `http://[user:password@]host:port`: an HTTP proxy that supports `CONNECT`.
    Http { addr: String, auth: Option<(String, String)> },
    /// `socks5://[user:password@]host:port` (the proxy resolves the server's name).
    Socks5 { addr: String, auth: Option<(String, String)> },
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the password.
        let (kind, addr, auth) = match self {
            Proxy::Http { addr, auth } => ("http", addr, auth),
            Proxy::Socks5 { addr, auth } => ("socks5", addr, auth),
        };
        let user = auth.as_ref().map(|(u, _)| format!("{u}:***@")).unwrap_or_default();
        write!(f, "Proxy({kind}://{user}{addr})")
    }
}

/// Why the proxy could not be used.
#[derive(Debug, Error)]
pub enum ProxyError {
    #[error("invalid proxy URL {0:?} (expected http://[user:pass@]host:port or socks5://…)")]
    InvalidUrl(String),
    #[error("the websocket URL has no host")]
    NoHost,
    #[error("cannot reach the proxy: {0}")]
    Io(#[from] std::io::Error),
    #[error("the proxy refused the tunnel: {0}")]
    Refused(String),
    #[error("the proxy sent a malformed answer")]
    Malformed,
    #[error("the proxy did not answer in time")]
    Timeout,
}

impl FromStr for Proxy {
    type Err = ProxyError;

    fn from_str(url: &str) -> Result<Self, ProxyError> {
        let invalid = || ProxyError::InvalidUrl(url.to_owned());
        let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
        let rest = rest.trim_end_matches('/');
        let (auth, addr) = match rest.rsplit_once('@') {
            Some((creds, addr)) => {
                let (user, pass) = creds.split_once(':').ok_or_else(invalid)?;
                (Some((user.to_owned(), pass.to_owned())), addr)
            }
            None => (None, rest),
        };
        let has_port =
            addr.rsplit_once(':').is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok());
        if !has_port {
            return Err(invalid());
        }
        let addr = addr.to_owned();
        match scheme.to_ascii_lowercase().as_str() {
            "http" => Ok(Proxy::Http { addr, auth }),
            "socks5" | "socks5h" => Ok(Proxy::Socks5 { addr, auth }),
            _ => Err(invalid()),
        }
    }
}

impl Proxy {
    fn addr(&self) -> &str {
        match self {
            Proxy::Http { addr, .. } | Proxy::Socks5 { addr, .. } => addr,
        }
    }

    /// Connects to the proxy and opens a tunnel to `host:port`.
    pub(crate) async fn tunnel(&self, host: &str, port: u16) -> Result<TcpStream, ProxyError> {
        let mut stream = TcpStream::connect(self.addr()).await?;
        stream.set_nodelay(true)?;
        match self {
            Proxy::Http { auth, .. } => {
                http_connect(&mut stream, host, port, auth.as_ref()).await?
            }
            Proxy::Socks5 { auth, .. } => {
                socks5_connect(&mut stream, host, port, auth.as_ref()).await?
            }
        }
        Ok(stream)
    }
}

async fn http_connect(
    stream: &mut TcpStream,
    host: &str,
    port: u16,
    auth: Option<&(String, String)>,
) -> Result<(), ProxyError> {
    let mut request = format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n");
    if let Some((user, pass)) = auth {
        let token = STANDARD.encode(format!("{user}:{pass}"));
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    // Read byte by byte up to the blank line: nothing of the tunnelled stream may be consumed.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(ProxyError::Malformed);
        }
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await? == 0 {
            return Err(ProxyError::Malformed);
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let status_line = head.lines().next().unwrap_or_default();
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok());
    match status {
        Some(200..=299) => Ok(()),
        Some(_) => Err(ProxyError::Refused(status_line.to_owned())),
        None => Err(ProxyError::Malformed),
    }
}

async fn socks5_connect(
    stream: &mut TcpStream,
    host: &str,
    port: u16,
    auth: Option<&(String, String)>,
) -> Result<(), ProxyError> {
    // Greeting: version 5, the methods we offer (0 = none, 2 = username/password).
    let method = if auth.is_some() { 2u8 } else { 0u8 };
    stream.write_all(&[5, 1, method]).await?;
    let mut reply = [0u8; 2];
    stream.read_exact(&mut reply).await?;
    if reply[0] != 5 {
        return Err(ProxyError::Malformed);
    }
    if reply[1] != method {
        return Err(ProxyError::Refused("no acceptable SOCKS5 authentication method".into()));
    }
    if let Some((user, pass)) = auth {
        if user.len() > 255 || pass.len() > 255 {
            return Err(ProxyError::Refused("SOCKS5 credentials longer than 255 bytes".into()));
        }
        let mut message = vec![1, user.len() as u8];
        message.extend_from_slice(user.as_bytes());
        message.push(pass.len() as u8);
        message.extend_from_slice(pass.as_bytes());
        stream.write_all(&message).await?;
        let mut status = [0u8; 2];
        stream.read_exact(&mut status).await?;
        if status[1] != 0 {
            return Err(ProxyError::Refused("SOCKS5 authentication failed".into()));
        }
    }
    // CONNECT to a domain name (the proxy resolves it).
    if host.len() > 255 {
        return Err(ProxyError::Refused("host name longer than 255 bytes".into()));
    }
    let mut request = vec![5, 1, 0, 3, host.len() as u8];
    request.extend_from_slice(host.as_bytes());
    request.extend_from_slice(&port.to_be_bytes());
    stream.write_all(&request).await?;
    let mut head = [0u8; 4];
    stream.read_exact(&mut head).await?;
    if head[0] != 5 {
        return Err(ProxyError::Malformed);
    }
    if head[1] != 0 {
        return Err(ProxyError::Refused(format!("SOCKS5 reply code {}", head[1])));
    }
    // Skip the bound address.
    let skip = match head[3] {
        1 => 4,
        4 => 16,
        3 => {
            let mut len = [0u8; 1];
            stream.read_exact(&mut len).await?;
            usize::from(len[0])
        }
        _ => return Err(ProxyError::Malformed),
    };
    let mut rest = vec![0u8; skip + 2];
    stream.read_exact(&mut rest).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_parse_and_hide_passwords() {
        assert_eq!(
            "http://127.0.0.1:8080".parse::<Proxy>().unwrap(),
            Proxy::Http { addr: "127.0.0.1:8080".into(), auth: None }
        );
        let socks: Proxy = "socks5://me:secret@proxy.example:1080/".parse().unwrap();
        assert_eq!(
            socks,
            Proxy::Socks5 {
                addr: "proxy.example:1080".into(),
                auth: Some(("me".into(), "secret".into()))
            }
        );
        assert_eq!(format!("{socks:?}"), "Proxy(socks5://me:***@proxy.example:1080)");
        for bad in ["127.0.0.1:8080", "ftp://h:1", "http://host", "http://:80", "http://u@h:1"] {
            assert!(matches!(bad.parse::<Proxy>(), Err(ProxyError::InvalidUrl(_))), "{bad}");
        }
    }
}

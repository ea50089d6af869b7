//! The client reaches the server through an HTTP CONNECT proxy and a SOCKS5 proxy (minimal
//! test proxies on 127.0.0.1 that record what they were asked and check the credentials).
use crate::fake_server;

use std::sync::Arc;

use fake_server::{bounded, config, FakeServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use wazap::client::{Proxy, ProxyError};
use wazap::store::MemoryDeviceStore;
use wazap::{Client, ClientError};

/// Starts a proxy; `handshake` consumes the proxy protocol and returns the requested target
/// (or `None` to refuse); bytes are then relayed both ways.
async fn start_proxy<F, Fut>(handshake: F) -> (String, mpsc::UnboundedReceiver<String>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + Copy + 'static,
    Fut: std::future::Future<Output = Option<(TcpStream, String)>> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let Some((mut client, target)) = handshake(stream).await else { return };
                let _ = tx.send(target.clone());
                if let Ok(mut upstream) = TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    (addr, rx)
}

async fn http_proxy(mut stream: TcpStream) -> Option<(TcpStream, String)> {
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut b = [0u8; 1];
        stream.read_exact(&mut b).await.ok()?;
        head.push(b[0]);
    }
    let head = String::from_utf8(head).ok()?;
    let target = head.strip_prefix("CONNECT ")?.split(' ').next()?.to_owned();
    // "user:pass" in base64.
    if !head.contains("Proxy-Authorization: Basic dXNlcjpwYXNz\r\n") {
        stream.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n").await.ok()?;
        return None;
    }
    stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.ok()?;
    Some((stream, target))
}

async fn socks5_proxy(mut stream: TcpStream) -> Option<(TcpStream, String)> {
    let mut greeting = [0u8; 2];
    stream.read_exact(&mut greeting).await.ok()?;
    let mut methods = vec![0u8; usize::from(greeting[1])];
    stream.read_exact(&mut methods).await.ok()?;
    if greeting[0] != 5 || !methods.contains(&0) {
        stream.write_all(&[5, 0xff]).await.ok()?;
        return None;
    }
    stream.write_all(&[5, 0]).await.ok()?;
    let mut request = [0u8; 5];
    stream.read_exact(&mut request).await.ok()?;
    if request[..4] != [5, 1, 0, 3] {
        return None;
    }
    let mut host = vec![0u8; usize::from(request[4])];
    stream.read_exact(&mut host).await.ok()?;
    let mut port = [0u8; 2];
    stream.read_exact(&mut port).await.ok()?;
    stream.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).await.ok()?;
    Some((stream, format!("{}:{}", String::from_utf8(host).ok()?, u16::from_be_bytes(port))))
}

fn server_addr(server: &FakeServer) -> String {
    server.url.trim_start_matches("ws://").trim_end_matches("/ws/chat").to_owned()
}

#[tokio::test]
async fn connects_through_an_http_connect_proxy_with_credentials() {
    let mut server = FakeServer::start().await;
    let (proxy_addr, mut seen) = start_proxy(http_proxy).await;
    let mut cfg = config(&server);
    cfg.proxy = Some(format!("http://user:pass@{proxy_addr}").parse().unwrap());
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    bounded(client.connect()).await.expect("connect through the proxy");
    let conn = server.accept().await;
    assert!(conn.is_registration());
    assert_eq!(bounded(seen.recv()).await.unwrap(), server_addr(&server));
    client.disconnect().await;

    // Wrong credentials: the proxy's refusal is reported.
    let mut cfg = config(&server);
    cfg.proxy = Some(format!("http://user:nope@{proxy_addr}").parse().unwrap());
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    let err = bounded(client.connect()).await.unwrap_err();
    assert!(
        matches!(&err, ClientError::Proxy(ProxyError::Refused(line)) if line.contains("407")),
        "{err:?}"
    );
}

#[tokio::test]
async fn connects_through_a_socks5_proxy() {
    let mut server = FakeServer::start().await;
    let (proxy_addr, mut seen) = start_proxy(socks5_proxy).await;
    let mut cfg = config(&server);
    cfg.proxy = Some(Proxy::Socks5 { addr: proxy_addr, auth: None });
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    bounded(client.connect()).await.expect("connect through the proxy");
    server.accept().await;
    assert_eq!(bounded(seen.recv()).await.unwrap(), server_addr(&server));
    client.disconnect().await;
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_proxy_error() {
    let server = FakeServer::start().await;
    let unused = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = unused.local_addr().unwrap().to_string();
    drop(unused);
    let mut cfg = config(&server);
    cfg.proxy = Some(Proxy::Http { addr, auth: None });
    let client = Client::new(Arc::new(MemoryDeviceStore::new()), cfg);
    let err = bounded(client.connect()).await.unwrap_err();
    assert!(matches!(err, ClientError::Proxy(ProxyError::Io(_))), "{err:?}");
}

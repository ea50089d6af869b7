//! Helpers of the HTTP suite: a sandbox and a server on loopback (in-process, free ports), a
//! JSON HTTP client, a webhook receiver that can fail on purpose, and bounded waits.

pub mod messaging;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use wazap::ClientConfig;
use wazap_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use wazap_server::{start, DeliveryOptions, ServerConfig, ServerHandle, WebhookPolicy};

pub const ADMIN: &str = "admin-secret";
/// Bound on any single expected step.
pub const WAIT: Duration = Duration::from_secs(30);

pub async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(WAIT, f).await.expect("test step timed out")
}

pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wazap-server-{tag}-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn client_config(sandbox: &SandboxHandle) -> ClientConfig {
    let mut config = ClientConfig {
        url: sandbox.ws_url().to_owned(),
        trusted_root: sandbox.root_public_key(),
        device_name: "wazap-server test".to_owned(),
        ..ClientConfig::default()
    };
    config.reconnect.base_delay = Duration::from_millis(50);
    config.reconnect.max_delay = Duration::from_millis(500);
    config.pre_keys.initial_batch = 30;
    config
}

/// Quick retries so failure-then-recovery tests run fast.
pub fn quick_policy() -> WebhookPolicy {
    WebhookPolicy {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        max_attempts: 50,
        request_timeout: Duration::from_secs(5),
        queue_limit: 1000,
    }
}

pub async fn start_server(
    sandbox: &SandboxHandle,
    dir: &std::path::Path,
    admin: Option<&str>,
) -> ServerHandle {
    start_server_limited(sandbox, dir, admin, wazap_server::DEFAULT_MEDIA_BODY_LIMIT).await
}

/// A server whose media endpoints take bodies up to `media_body_limit` bytes.
pub async fn start_server_limited(
    sandbox: &SandboxHandle,
    dir: &std::path::Path,
    admin: Option<&str>,
    media_body_limit: usize,
) -> ServerHandle {
    start_server_with(sandbox, dir, admin, media_body_limit, DeliveryOptions::default()).await
}

/// A server delivering events as `delivery` says (format, global webhook, media).
pub async fn start_server_with(
    sandbox: &SandboxHandle,
    dir: &std::path::Path,
    admin: Option<&str>,
    media_body_limit: usize,
    delivery: DeliveryOptions,
) -> ServerHandle {
    start(ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir.to_path_buf(),
        admin_token: admin.map(str::to_owned),
        client: client_config(sandbox),
        webhook: quick_policy(),
        delivery,
        tls: None,
        media_body_limit,
    })
    .await
    .expect("server starts")
}

/// A sandbox and a server with admin token [`ADMIN`].
pub struct Env {
    pub sandbox: SandboxHandle,
    pub server: ServerHandle,
    pub dir: PathBuf,
    pub api: Api,
}

impl Env {
    pub async fn start(tag: &str) -> Env {
        Self::start_with(tag, DeliveryOptions::default()).await
    }

    /// An environment whose server delivers events as `delivery` says.
    pub async fn start_with(tag: &str, delivery: DeliveryOptions) -> Env {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let sandbox = Sandbox::start(SandboxConfig::ephemeral()).await.expect("sandbox starts");
        let dir = temp_dir(tag);
        let server = start_server_with(
            &sandbox,
            &dir,
            Some(ADMIN),
            wazap_server::DEFAULT_MEDIA_BODY_LIMIT,
            delivery,
        )
        .await;
        let api = Api::new(server.local_addr());
        Env { sandbox, server, dir, api }
    }

    /// Creates a sandbox account (a phone); `echo` makes its phone answer every message.
    pub async fn phone(&self, phone: &str, echo: bool) {
        let (status, body) = self
            .control("POST", "/control/accounts", json!({ "phone": phone, "echo": echo }))
            .await;
        assert_eq!(status, 201, "sandbox account: {body}");
    }

    pub async fn control(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let url = format!("http://{}{path}", self.sandbox.local_addr());
        let request = self.api.http.request(method.parse().unwrap(), url);
        let request = if body.is_null() { request } else { request.json(&body) };
        let response = bounded(request.send()).await.expect("sandbox answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Creates an API user; returns its id.
    pub async fn user(&self, token: &str, webhook: &str, events: &str, hmac: &str) -> i64 {
        let body = json!({ "name": token, "token": token, "webhook": webhook, "events": events,
                           "hmacKey": hmac });
        let (status, value) = self.api.admin("POST", "/admin/users", Some(&body.to_string())).await;
        assert_eq!(status, 200, "create user: {value}");
        value["data"]["id"].as_i64().expect("id")
    }

    /// Connects the user's session, scans its QR code with `phone`, waits for the login.
    pub async fn pair(&self, token: &str, phone: &str) -> String {
        let (status, value) = self.api.user("POST", "/session/connect", token, Some("{}")).await;
        assert_eq!(status, 200, "connect: {value}");
        let (status, value) = self.api.user("GET", "/session/qr", token, None).await;
        assert_eq!(status, 200, "qr: {value}");
        let code = value["data"]["Code"].as_str().expect("Code").to_owned();
        let (status, value) =
            self.control("POST", "/control/pair", json!({ "phone": phone, "qr": code })).await;
        assert_eq!(status, 200, "pair: {value}");
        self.wait_logged_in(token).await
    }

    /// Waits until `/session/status` says LoggedIn; returns the JID.
    pub async fn wait_logged_in(&self, token: &str) -> String {
        bounded(async {
            loop {
                let (status, value) = self.api.user("GET", "/session/status", token, None).await;
                assert_eq!(status, 200, "status: {value}");
                if value["data"]["LoggedIn"] == true {
                    return value["data"]["Jid"].as_str().unwrap_or_default().to_owned();
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
    }
}

/// The API client.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    pub fn new(addr: SocketAddr) -> Self {
        Self { base: format!("http://{addr}"), http: reqwest::Client::new() }
    }

    /// A request with the given headers and raw body; the status and the JSON answer.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (u16, Value) {
        let mut request =
            self.http.request(method.parse().unwrap(), format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.header("content-type", "application/json").body(body.to_owned());
        }
        let response = bounded(request.send()).await.expect("server answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn user(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&str>,
    ) -> (u16, Value) {
        self.raw(method, path, &[("Token", token)], body).await
    }

    pub async fn admin(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        self.raw(method, path, &[("Authorization", ADMIN)], body).await
    }
}

/// Asserts a wuzapi error envelope with `status` whose message contains `needle`.
pub fn assert_error(answer: &(u16, Value), status: u16, needle: &str) {
    let (got, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["code"], status, "{body}");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{message:?} should mention {needle:?}");
}

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The status the receiver answered.
    pub answered: u16,
    pub raw: Vec<u8>,
    /// The event: the form's `jsonData` parsed (wuzapi's default format), or the JSON body.
    pub body: Value,
    /// The form's fields (empty for a JSON body).
    pub form: BTreeMap<String, String>,
    pub content_type: String,
    pub signature: Option<String>,
}

struct ReceiverState {
    fail_first: AtomicUsize,
    tx: mpsc::UnboundedSender<Delivery>,
}

/// A webhook receiver on loopback that answers 500 to its first `fail_first` requests.
pub struct Receiver {
    pub url: String,
    rx: mpsc::UnboundedReceiver<Delivery>,
    _task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let state = Arc::new(ReceiverState { fail_first: AtomicUsize::new(fail_first), tx });
        // Message webhooks embed their files: room for the largest the tests send.
        let app = Router::new()
            .route("/hook", post(receive))
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url: format!("http://{addr}/hook"), rx, _task: task }
    }

    /// The next request received.
    pub async fn next(&mut self) -> Delivery {
        bounded(self.rx.recv()).await.expect("receiver alive")
    }

    /// The next request received within `limit`, if any.
    pub async fn next_within(&mut self, limit: Duration) -> Option<Delivery> {
        tokio::time::timeout(limit, self.rx.recv()).await.ok().flatten()
    }

    /// Requests until one with `type == kind` was accepted (2xx); all of them, in order.
    pub async fn until_accepted(&mut self, kind: &str) -> Vec<Delivery> {
        let mut seen = Vec::new();
        loop {
            let d = self.next().await;
            let done = d.answered == 200 && d.body["type"] == kind;
            seen.push(d);
            if done {
                return seen;
            }
        }
    }
}

async fn receive(
    State(state): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let fail = state
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if fail { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::OK };
    let content_type =
        headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    // Parsed as a wuzapi receiver does: a form's `jsonData` field, or the body as JSON.
    let (form, event) = if content_type.starts_with("application/x-www-form-urlencoded") {
        let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
        let event = form.get("jsonData").and_then(|j| serde_json::from_str(j).ok());
        (form, event.unwrap_or(Value::Null))
    } else {
        (BTreeMap::new(), serde_json::from_slice(&body).unwrap_or(Value::Null))
    };
    let _ = state.tx.send(Delivery {
        answered: answered.as_u16(),
        raw: body.to_vec(),
        body: event,
        form,
        content_type,
        signature: headers.get("x-hmac-signature").and_then(|v| v.to_str().ok()).map(str::to_owned),
    });
    answered
}

/// Logs to the test output when `RUST_LOG` is set (for diagnosing a failure).
pub fn logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

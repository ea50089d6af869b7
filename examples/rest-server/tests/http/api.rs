//! The REST API over HTTP on loopback, against the sandbox: users, sessions (pairing by QR and
//! by phone code, disconnect, logout, restart), webhooks (order, retries, signatures), auth
//! failures and bad input.
use crate::common;

use common::{assert_error, bounded, start_server, Api, Env, Receiver, ADMIN};
use serde_json::Value;
use wazap_server::webhook::signature;

#[tokio::test]
async fn pair_by_qr_then_disconnect_reconnect_and_logout() {
    let env = Env::start("qr").await;
    env.phone("15551110001", false).await;
    let mut hook = Receiver::start(0).await;
    env.user("alice", &hook.url, "QR,PairSuccess,Connected", "k3y").await;

    let (status, value) = env.api.user("GET", "/session/status", "alice", None).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["success"], true);
    assert_eq!(value["data"]["Connected"], false);
    assert_eq!(value["data"]["LoggedIn"], false);

    let (status, value) = env
        .api
        .user("POST", "/session/connect", "alice", Some(r#"{"Subscribe":[],"Immediate":true}"#))
        .await;
    assert_eq!(status, 200, "{value}");
    let (status, value) = env.api.user("GET", "/session/qr", "alice", None).await;
    assert_eq!(status, 200, "{value}");
    let image = value["data"]["QRCode"].as_str().unwrap();
    assert!(image.starts_with("data:image/png;base64,iVBORw0KGgo"), "a PNG data URL: {image:.40}");
    let code = value["data"]["Code"].as_str().unwrap().to_owned();

    // The first webhook event is that QR code, signed with the user's key.
    let first = hook.next().await;
    assert_eq!(first.body["type"], "QR");
    assert_eq!(
        (&first.body["event"], &first.body["code"]),
        (&Value::from("code"), &Value::from(code.as_str()))
    );
    assert_eq!(first.signature.as_deref(), Some(signature(b"k3y", &first.raw).as_str()));
    // In wuzapi's default format: a form with the event in jsonData beside the user's token.
    assert_eq!(first.content_type, "application/x-www-form-urlencoded");
    let fields: Vec<&str> = first.form.keys().map(String::as_str).collect();
    assert_eq!(fields, ["instanceName", "jsonData", "token", "userID"]);
    assert_eq!(
        (first.form["token"].as_str(), first.form["instanceName"].as_str()),
        ("alice", "alice")
    );

    let (status, value) = env
        .control("POST", "/control/pair", serde_json::json!({ "phone": "15551110001", "qr": code }))
        .await;
    assert_eq!(status, 200, "{value}");
    let device_jid = value["device_jid"].as_str().unwrap().to_owned();
    let jid = env.wait_logged_in("alice").await;
    assert_eq!(jid, device_jid);

    // PairSuccess then Connected reach the webhook, in that order (QR rotations may precede).
    let rest = hook.until_accepted("Connected").await;
    let kinds: Vec<&str> = rest.iter().map(|d| d.body["type"].as_str().unwrap()).collect();
    let pair_at = kinds.iter().position(|k| *k == "PairSuccess").expect("PairSuccess delivered");
    assert!(kinds[..pair_at].iter().all(|k| *k == "QR"), "{kinds:?}");
    assert_eq!(rest[pair_at].body["event"]["ID"], device_jid);

    // A second connect while connected is refused; the admin list shows the session.
    let answer = env.api.user("POST", "/session/connect", "alice", None).await;
    assert_error(&answer, 409, "already connected");
    let (_, list) = env.api.admin("GET", "/admin/users", None).await;
    assert_eq!(list["data"][0]["jid"], device_jid);
    assert_eq!(list["data"][0]["loggedIn"], true);
    let answer = env.api.user("GET", "/session/qr", "alice", None).await;
    assert_error(&answer, 409, "already logged in");

    // Disconnect keeps the pairing: connect with Immediate false logs in again, no QR.
    let (status, value) = env.api.user("POST", "/session/disconnect", "alice", None).await;
    assert_eq!((status, &value["data"]["Details"]), (200, &Value::from("Disconnected")));
    let (_, value) = env.api.user("GET", "/session/status", "alice", None).await;
    assert_eq!(value["data"]["Connected"], false);
    let answer = env.api.user("POST", "/session/disconnect", "alice", None).await;
    assert_error(&answer, 409, "not connected");
    let (status, value) =
        env.api.user("POST", "/session/connect", "alice", Some(r#"{"Immediate":false}"#)).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"]["details"], "Connected!");
    assert_eq!(value["data"]["jid"], device_jid);

    // Logout unlinks: the sandbox forgets the device, the status says logged out.
    let device: u64 = device_jid.split([':', '@']).nth(1).unwrap().parse().unwrap();
    let (_, devices) = env.control("GET", "/control/devices?phone=15551110001", Value::Null).await;
    assert!(devices.as_array().unwrap().iter().any(|d| d["device"] == device), "{devices}");
    let (status, value) = env.api.user("POST", "/session/logout", "alice", None).await;
    assert_eq!((status, &value["data"]["Details"]), (200, &Value::from("Logged out")), "{value}");
    let (_, value) = env.api.user("GET", "/session/status", "alice", None).await;
    assert_eq!(value["data"]["LoggedIn"], false);
    assert_eq!(value["data"]["Jid"], "");
    let answer = env.api.user("POST", "/session/logout", "alice", None).await;
    assert_error(&answer, 409, "not logged in");
    let (_, devices) = env.control("GET", "/control/devices?phone=15551110001", Value::Null).await;
    let devices = devices.as_array().expect("device list");
    assert!(devices.iter().all(|d| d["device"] != device), "still linked: {devices:?}");
    env.server.shutdown().await;
}

#[tokio::test]
async fn pair_by_phone_code() {
    let env = Env::start("code").await;
    env.phone("15551110002", false).await;
    env.user("bob", "", "", "").await;
    let answer =
        env.api.user("POST", "/session/pairphone", "bob", Some(r#"{"Phone":"15551110002"}"#)).await;
    assert_error(&answer, 409, "not connected");
    let (status, value) = env.api.user("POST", "/session/connect", "bob", None).await;
    assert_eq!(status, 200, "{value}");
    let answer =
        env.api.user("POST", "/session/pairphone", "bob", Some(r#"{"Phone":"0123"}"#)).await;
    assert_error(&answer, 400, "invalid phone number");
    let (status, value) = env
        .api
        .user("POST", "/session/pairphone", "bob", Some(r#"{"phone":"+1 555 111 0002"}"#))
        .await;
    assert_eq!(status, 200, "{value}");
    let code = value["data"]["LinkingCode"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 9, "{code}");
    let (status, value) = env
        .control(
            "POST",
            "/control/pair-code",
            serde_json::json!({ "phone": "15551110002", "code": code }),
        )
        .await;
    assert_eq!(status, 200, "{value}");
    let jid = env.wait_logged_in("bob").await;
    assert!(jid.starts_with("15551110002:"), "{jid}");
    env.server.shutdown().await;
}

#[tokio::test]
async fn a_failing_webhook_gets_every_event_in_order_and_blocks_nobody() {
    let env = Env::start("retry").await;
    env.phone("15551110003", false).await;
    env.phone("15551110004", false).await;
    // Carol's receiver fails its first 4 requests; Dave's receiver is healthy.
    let mut carol_hook = Receiver::start(4).await;
    let mut dave_hook = Receiver::start(0).await;
    env.user("carol", &carol_hook.url, "All", "").await;
    env.user("dave", &dave_hook.url, "QR,PairSuccess,Connected", "").await;

    // Both sessions pair while Carol's webhook is failing: neither session waits for it.
    env.pair("carol", "15551110003").await;
    env.pair("dave", "15551110004").await;
    let dave = dave_hook.until_accepted("Connected").await;
    assert!(dave.iter().all(|d| d.answered == 200));

    let carol = carol_hook.until_accepted("Connected").await;
    // The first event (the QR code) was tried 5 times, the same body each time, before
    // anything else was sent.
    assert!(carol.len() >= 5 + 2, "{} deliveries", carol.len());
    for attempt in &carol[..4] {
        assert_eq!(attempt.answered, 500);
        assert_eq!(attempt.raw, carol[4].raw, "retries resend the same event");
    }
    assert_eq!(carol[4].answered, 200);
    assert_eq!(carol[4].body["type"], "QR");
    // From then on every event was accepted once, in order: QR codes, PairSuccess, Connected.
    let accepted: Vec<&str> = carol[4..].iter().map(|d| d.body["type"].as_str().unwrap()).collect();
    assert!(carol[4..].iter().all(|d| d.answered == 200));
    let pair_at = accepted.iter().position(|k| *k == "PairSuccess").expect("PairSuccess");
    assert!(accepted[..pair_at].iter().all(|k| *k == "QR"), "{accepted:?}");
    assert_eq!(accepted.iter().filter(|k| **k == "PairSuccess").count(), 1, "{accepted:?}");
    assert_eq!(accepted.last(), Some(&"Connected"));
    env.server.shutdown().await;
}

#[tokio::test]
async fn webhook_settings_round_trip() {
    let env = Env::start("hookcfg").await;
    env.user("erin", "", "Message", "").await;
    let (status, value) = env.api.user("GET", "/webhook", "erin", None).await;
    assert_eq!(status, 200);
    assert_eq!(value["data"]["subscribe"], serde_json::json!(["Message"]));
    assert_eq!(value["data"]["webhook"], "");
    let body = r#"{"webhookURL":"http://127.0.0.1:9/hook","events":["ReadReceipt","message"]}"#;
    let (status, value) = env.api.user("POST", "/webhook", "erin", Some(body)).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"]["webhook"], "http://127.0.0.1:9/hook");
    let (_, value) = env.api.user("GET", "/webhook", "erin", None).await;
    assert_eq!(value["data"]["subscribe"], serde_json::json!(["ReadReceipt", "Message"]));
    assert_eq!(value["data"]["webhook"], "http://127.0.0.1:9/hook");
    // Events kept when not given.
    let body = r#"{"webhookURL":"https://example.net/w"}"#;
    env.api.user("POST", "/webhook", "erin", Some(body)).await;
    let (_, value) = env.api.user("GET", "/webhook", "erin", None).await;
    assert_eq!(value["data"]["subscribe"], serde_json::json!(["ReadReceipt", "Message"]));
    env.server.shutdown().await;
}

#[tokio::test]
async fn auth_failures() {
    let env = Env::start("auth").await;
    env.user("frank", "", "", "").await;
    let api = &env.api;
    assert_error(&api.raw("GET", "/session/status", &[], None).await, 401, "missing Token");
    assert_error(&api.user("GET", "/session/status", "nope", None).await, 401, "invalid token");
    assert_error(&api.user("GET", "/session/status", "", None).await, 401, "missing Token");
    // Header names are case-insensitive.
    let (status, _) = api.raw("GET", "/session/status", &[("TOKEN", "frank")], None).await;
    assert_eq!(status, 200);
    // As in wuzapi, the token may come as a query parameter instead.
    let (status, value) = api.raw("GET", "/session/status?token=frank", &[], None).await;
    assert_eq!((status, &value["data"]["Name"]), (200, &Value::from("frank")), "{value}");
    assert_error(
        &api.raw("GET", "/session/status?token=nope", &[], None).await,
        401,
        "invalid token",
    );
    assert_error(&api.raw("GET", "/session/status?token=", &[], None).await, 401, "missing Token");
    // Admin: no header, wrong token, a user's token; Bearer form accepted.
    assert_error(&api.raw("GET", "/admin/users", &[], None).await, 401, "missing Authorization");
    let wrong = api.raw("GET", "/admin/users", &[("Authorization", "admin-secreT")], None).await;
    assert_error(&wrong, 401, "invalid admin token");
    let user = api.raw("GET", "/admin/users", &[("Token", "frank")], None).await;
    assert_error(&user, 401, "missing Authorization");
    let bearer = format!("Bearer {ADMIN}");
    let (status, value) = api.raw("GET", "/admin/users", &[("authorization", &bearer)], None).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"][0]["name"], "frank");
    // The admin token is not a user token.
    assert_error(&api.user("GET", "/session/status", ADMIN, None).await, 401, "invalid token");
    env.server.shutdown().await;
}

#[tokio::test]
async fn bad_input_answers_4xx_and_affects_nobody_else() {
    let env = Env::start("bad").await;
    let id = env.user("gina", "", "", "").await;
    let api = &env.api;
    let admin = |body: &'static str| api.admin("POST", "/admin/users", Some(body));
    assert_error(&admin("{\"name\":").await, 400, "malformed JSON");
    assert_error(&admin("[1,2]").await, 400, "JSON object");
    assert_error(&admin(r#"{"token":"x"}"#).await, 400, "missing field `name`");
    assert_error(&admin(r#"{"name":"x"}"#).await, 400, "missing field `token`");
    assert_error(&admin(r#"{"name":"x","token":5}"#).await, 400, "invalid type");
    assert_error(&admin(r#"{"name":" ","token":"t"}"#).await, 400, "name must not be empty");
    assert_error(
        &admin(r#"{"name":"x","token":"t","events":"Message,Bogus"}"#).await,
        400,
        "Bogus",
    );
    assert_error(&admin(r#"{"name":"x","token":"t","webhook":"ftp://h/x"}"#).await, 400, "http");
    assert_error(
        &admin(r#"{"name":"x","token":"t","webhook":"not a url"}"#).await,
        400,
        "webhook URL",
    );
    assert_error(&admin(r#"{"name":"x","token":"gina"}"#).await, 409, "already exists");
    assert_error(&api.admin("DELETE", "/admin/users/abc", None).await, 400, "must be a number");
    assert_error(&api.admin("DELETE", "/admin/users/999", None).await, 404, "no user with id 999");

    let user =
        |m: &'static str, p: &'static str, b: Option<&'static str>| api.user(m, p, "gina", b);
    assert_error(&user("GET", "/session/qr", None).await, 409, "not connected");
    assert_error(&user("POST", "/session/logout", None).await, 409, "not logged in");
    assert_error(&user("POST", "/session/disconnect", None).await, 409, "not connected");
    assert_error(
        &user("POST", "/session/pairphone", Some("{}")).await,
        400,
        "missing field `phone`",
    );
    assert_error(&user("POST", "/session/pairphone", Some(r#"{"Phone":""}"#)).await, 400, "Phone");
    assert_error(&user("POST", "/session/connect", Some("{bad")).await, 400, "malformed JSON");
    let mistyped = user("POST", "/session/connect", Some(r#"{"Immediate":"yes"}"#)).await;
    assert_error(&mistyped, 400, "invalid type");
    let unknown = user("POST", "/session/connect", Some(r#"{"Subscribe":["Nope"]}"#)).await;
    assert_error(&unknown, 400, "unknown event type");
    assert_error(&user("POST", "/webhook", Some("{}")).await, 400, "missing field `webhookurl`");
    assert_error(&user("POST", "/webhook", Some(r#"{"webhookURL":7}"#)).await, 400, "invalid type");
    assert_error(&user("GET", "/no/such/thing", None).await, 404, "no such endpoint");
    assert_error(&user("GET", "/session/connect", None).await, 405, "method not allowed");
    // Nothing above changed gina, and the server still serves.
    let (status, value) = user("GET", "/webhook", None).await;
    assert_eq!((status, &value["data"]["webhook"]), (200, &Value::from("")));
    let (status, value) = api.admin("GET", "/admin/users", None).await;
    assert_eq!(status, 200);
    assert_eq!(value["data"].as_array().unwrap().len(), 1);
    // Deleting the user revokes the token.
    let (status, _) = api.admin("DELETE", &format!("/admin/users/{id}"), None).await;
    assert_eq!(status, 200);
    assert_error(&user("GET", "/session/status", None).await, 401, "invalid token");
    env.server.shutdown().await;
}

#[tokio::test]
async fn a_restart_keeps_users_and_reconnects_their_sessions() {
    let env = Env::start("restart").await;
    env.phone("15551110005", false).await;
    env.user("hank", "", "", "").await;
    let jid = env.pair("hank", "15551110005").await;
    let dir = env.dir.clone();
    env.server.shutdown().await;

    let server = start_server(&env.sandbox, &dir, Some(ADMIN)).await;
    let api = Api::new(server.local_addr());
    let env2 = Env { sandbox: env.sandbox, server, dir, api };
    // No connect call: the session comes back by itself, logged in with the same device.
    assert_eq!(env2.wait_logged_in("hank").await, jid);
    env2.server.shutdown().await;
}

#[tokio::test]
async fn the_generated_admin_token_is_kept_across_restarts() {
    let env = Env::start("admintoken").await;
    let dir = common::temp_dir("generated");
    let first = start_server(&env.sandbox, &dir, None).await;
    assert!(first.admin_token_generated());
    let token = first.admin_token().to_owned();
    assert_eq!(token.len(), 32);
    first.shutdown().await;
    let second = start_server(&env.sandbox, &dir, None).await;
    assert!(!second.admin_token_generated());
    assert_eq!(second.admin_token(), token);
    let api = Api::new(second.local_addr());
    let (status, _) = api.raw("GET", "/admin/users", &[("Authorization", &token)], None).await;
    assert_eq!(status, 200);
    bounded(second.shutdown()).await;
}

#[tokio::test]
async fn connecting_to_an_unreachable_whatsapp_is_a_bad_gateway() {
    let sandbox =
        wazap_sandbox::Sandbox::start(wazap_sandbox::SandboxConfig::ephemeral()).await.unwrap();
    let mut client = common::client_config(&sandbox);
    // A port nobody listens on (just released).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    client.url = format!("ws://{closed}/ws/chat");
    let server = wazap_server::start(wazap_server::ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: common::temp_dir("unreachable"),
        admin_token: Some(ADMIN.to_owned()),
        client,
        webhook: common::quick_policy(),
        delivery: Default::default(),
        tls: None,
        media_body_limit: wazap_server::DEFAULT_MEDIA_BODY_LIMIT,
    })
    .await
    .unwrap();
    let api = Api::new(server.local_addr());
    let body = r#"{"name":"ivy","token":"ivy"}"#;
    assert_eq!(api.admin("POST", "/admin/users", Some(body)).await.0, 200);
    let answer = api.user("POST", "/session/connect", "ivy", None).await;
    assert_error(&answer, 502, "WhatsApp");
    let (_, value) = api.user("GET", "/session/status", "ivy", None).await;
    assert_eq!(value["data"]["Connected"], false);
    server.shutdown().await;
}

#[tokio::test]
async fn admin_webhook_proxy_and_health_routes_answer_in_wuzapi_shapes() {
    let env = Env::start("shapes").await;
    let api = &env.api;
    // Create: wuzapi's bare `{"id"}` and the envelope, in one answer; `expiration` is kept.
    let body = r#"{"name":"ivy","token":"ivy","webhook":"","events":"Message","expiration":99}"#;
    let (status, created) = api.admin("POST", "/admin/users", Some(body)).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_i64().expect("bare id");
    assert_eq!(
        (&created["data"]["id"], &created["success"]),
        (&Value::from(id), &Value::from(true))
    );
    // One user by id, with wuzapi's fields.
    let (status, one) = api.admin("GET", &format!("/admin/users/{id}"), None).await;
    assert_eq!(status, 200, "{one}");
    let user = &one["data"][0];
    assert_eq!((&user["name"], &user["expiration"]), (&Value::from("ivy"), &Value::from(99)));
    assert_eq!((&user["qrcode"], &user["proxy_url"]), (&Value::from(""), &Value::from("")));
    let (_, none) = api.admin("GET", "/admin/users/4242", None).await;
    assert_eq!(none["data"], serde_json::json!([]));

    // PUT /webhook sets URL and events; inactive clears them; DELETE clears them too.
    let update =
        r#"{"webhook":"http://127.0.0.1:9/h","events":["Message","ReadReceipt"],"active":true}"#;
    let (status, value) = api.user("PUT", "/webhook", "ivy", Some(update)).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"]["active"], true);
    let (_, value) = api.user("GET", "/webhook", "ivy", None).await;
    assert_eq!(value["data"]["webhook"], "http://127.0.0.1:9/h");
    assert_eq!(value["data"]["subscribe"], serde_json::json!(["Message", "ReadReceipt"]));
    let (status, value) = api.user("DELETE", "/webhook", "ivy", None).await;
    assert_eq!(
        (status, &value["data"]["Details"]),
        (200, &Value::from("Webhook and events deleted successfully"))
    );
    let (_, value) = api.user("GET", "/webhook", "ivy", None).await;
    assert_eq!(value["data"]["webhook"], "");
    let (_, value) = api
        .user("PUT", "/webhook", "ivy", Some(r#"{"webhook":"http://h/x","active":false}"#))
        .await;
    assert_eq!(value["data"]["webhook"], "");

    // The proxy: kept (and shown to the admin) while disconnected, refused while connected.
    let proxy = r#"{"proxy_url":"socks5://127.0.0.1:1080","enable":true}"#;
    let (status, value) = api.user("POST", "/session/proxy", "ivy", Some(proxy)).await;
    assert_eq!(
        (status, &value["data"]["ProxyURL"]),
        (200, &Value::from("socks5://127.0.0.1:1080")),
        "{value}"
    );
    let (_, one) = api.admin("GET", &format!("/admin/users/{id}"), None).await;
    assert_eq!(one["data"][0]["proxy_url"], "socks5://127.0.0.1:1080");
    assert_error(
        &api.user(
            "POST",
            "/session/proxy",
            "ivy",
            Some(r#"{"proxy_url":"ftp://x","enable":true}"#),
        )
        .await,
        400,
        "invalid proxy_url",
    );
    let (status, value) =
        api.user("POST", "/session/proxy", "ivy", Some(r#"{"enable":false}"#)).await;
    assert_eq!(
        (status, &value["data"]["Details"]),
        (200, &Value::from("Proxy disabled successfully"))
    );
    let (status, _) = api.user("POST", "/session/connect", "ivy", None).await;
    assert_eq!(status, 200);
    assert_error(
        &api.user("POST", "/session/proxy", "ivy", Some(proxy)).await,
        409,
        "disconnect first",
    );

    // /health needs no token.
    let (status, health) = api.raw("GET", "/health", &[], None).await;
    assert_eq!(
        (status, &health["status"], &health["total_users"]),
        (200, &Value::from("ok"), &Value::from(1))
    );
    assert_eq!(health["connected_users"], 1);

    // Delete: wuzapi's bare `{"Details"}` and the envelope.
    let (status, deleted) = api.admin("DELETE", &format!("/admin/users/{id}"), None).await;
    assert_eq!((status, &deleted["Details"]), (200, &Value::from("User deleted successfully")));
    assert_eq!(deleted["data"]["id"], id);
    env.server.shutdown().await;
}

#[tokio::test]
async fn https_with_wuzapi_certificate_flags() {
    let sandbox = wazap_sandbox::Sandbox::start(wazap_sandbox::SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    let dir = common::temp_dir("tls");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let server = wazap_server::start(wazap_server::ServerConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir.clone(),
        admin_token: Some(ADMIN.to_owned()),
        client: common::client_config(&sandbox),
        webhook: common::quick_policy(),
        delivery: Default::default(),
        tls: Some(wazap_server::TlsFiles {
            certificate: fixtures.join("localhost.crt"),
            private_key: fixtures.join("localhost.key"),
        }),
        media_body_limit: wazap_server::DEFAULT_MEDIA_BODY_LIMIT,
    })
    .await
    .expect("server starts");
    let pem = std::fs::read(fixtures.join("localhost.crt")).unwrap();
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let url = format!("https://127.0.0.1:{}/admin/users", server.local_addr().port());
    let response = common::bounded(http.get(&url).header("Authorization", ADMIN).send())
        .await
        .expect("an HTTPS answer");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"], serde_json::json!([]));
    // Plain HTTP on the HTTPS port gets no API answer.
    let plain = format!("http://127.0.0.1:{}/health", server.local_addr().port());
    let refused = common::bounded(reqwest::Client::new().get(&plain).send()).await;
    assert!(refused.map(|r| r.status() != 200).unwrap_or(true));
    server.shutdown().await;
    // Files that are not a certificate and key: the start fails saying which.
    let bad = wazap_server::start(wazap_server::ServerConfig {
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: dir,
        admin_token: Some(ADMIN.to_owned()),
        client: common::client_config(&sandbox),
        webhook: common::quick_policy(),
        delivery: Default::default(),
        tls: Some(wazap_server::TlsFiles {
            certificate: fixtures.join("localhost.key"),
            private_key: fixtures.join("localhost.key"),
        }),
        media_body_limit: wazap_server::DEFAULT_MEDIA_BODY_LIMIT,
    })
    .await;
    let message = bad.err().expect("refused").to_string();
    assert!(message.contains("localhost.key"), "{message}");
}

#[tokio::test]
async fn the_hmac_key_is_configured_read_and_deleted_by_route() {
    let env = Env::start("hmac").await;
    let mut hook = Receiver::start(0).await;
    env.user("hana", &hook.url, "QR", "").await;
    let config = |method, body| env.api.user(method, "/session/hmac/config", "hana", body);

    let (status, value) = config("GET", None).await;
    assert_eq!((status, &value["data"]["hmac_configured"]), (200, &Value::from(false)));
    assert_error(&config("POST", Some(r#"{"hmac_key":"too short"}"#)).await, 400, "32");
    assert_error(&config("POST", Some(r#"{"hmac":"x"}"#)).await, 400, "hmac_key");
    let key = "0123456789abcdef0123456789abcdef";
    let set = format!(r#"{{"hmac_key":"{key}"}}"#);
    let (status, value) = config("POST", Some(&set)).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"]["Details"], "HMAC key configured successfully");
    let (_, value) = config("GET", None).await;
    assert_eq!(value["data"]["hmac_configured"], true);

    // Deliveries from now on are signed with the new key.
    let connect = Some(r#"{"Subscribe":["QR"],"Immediate":true}"#);
    let (status, value) = env.api.user("POST", "/session/connect", "hana", connect).await;
    assert_eq!(status, 200, "{value}");
    let signed = hook.next().await;
    assert_eq!(signed.body["type"], "QR");
    assert_eq!(signed.signature.as_deref(), Some(signature(key.as_bytes(), &signed.raw).as_str()));

    let (status, value) = config("DELETE", None).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["data"]["Details"], "HMAC configuration deleted successfully");
    let (_, value) = config("GET", None).await;
    assert_eq!(value["data"]["hmac_configured"], false);
    // A new connection's QR code goes out unsigned (one signed before the delete may still be
    // on its way; the receiver's wait is bounded, so a key that stayed fails the test).
    let (status, value) = env.api.user("POST", "/session/disconnect", "hana", None).await;
    assert_eq!(status, 200, "{value}");
    let (status, value) = env.api.user("POST", "/session/connect", "hana", connect).await;
    assert_eq!(status, 200, "{value}");
    loop {
        let next = hook.next().await;
        if next.body["type"] == "QR" && next.signature.is_none() {
            break;
        }
    }
}

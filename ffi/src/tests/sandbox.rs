//! The extern API against the sandbox (in-process, loopback): pairing by QR with pull events,
//! pairing by code with the callback, freeing from inside the callback, logout.
use std::ffi::{c_char, c_void, CStr};
use std::ptr::{null, null_mut};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::runtime::Runtime;
use wazap_sandbox::SandboxHandle;

use super::{c, last_error, take, TempStore};
use crate::client::*;
use crate::handle::wazap_client;
use crate::messaging::*;
use crate::result::wazap_result::*;

/// Bound on any one expected step.
const WAIT: Duration = Duration::from_secs(20);

struct Env {
    rt: Runtime,
    sandbox: SandboxHandle,
}

impl Env {
    fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = rt.block_on(wazap_e2e::sandbox());
        Self { rt, sandbox }
    }

    fn config_json(&self) -> String {
        serde_json::json!({
            "url": self.sandbox.ws_url(),
            "root_public_key": hex::encode(self.sandbox.root_public_key().0),
            "device_name": "wazap ffi test",
            "reconnect_base_delay_ms": 50,
            "reconnect_max_delay_ms": 500,
            "prekey_initial_batch": 20,
        })
        .to_string()
    }

    fn account(&self, phone: &str) {
        self.rt.block_on(wazap_e2e::create_account(&self.sandbox, phone));
    }

    fn scan(&self, phone: &str, qr: &str) -> String {
        self.rt.block_on(wazap_e2e::scan_qr(self.sandbox.local_addr(), phone, qr))
    }

    fn enter_code(&self, phone: &str, code: &str) -> String {
        self.rt.block_on(wazap_e2e::enter_code(self.sandbox.local_addr(), phone, code))
    }

    fn devices(&self, phone: &str) -> Vec<Value> {
        self.rt.block_on(wazap_e2e::devices(&self.sandbox, phone))
    }

    fn client(&self, store: &TempStore) -> *mut wazap_client {
        let json = c(&self.config_json());
        let mut client = null_mut();
        let result =
            unsafe { wazap_client_new(store.c_path().as_ptr(), json.as_ptr(), &mut client) };
        assert_eq!(result, WAZAP_OK, "{}", last_error());
        client
    }
}

/// Pulls events until one of type `kind` (others are skipped), within [`WAIT`].
fn pull(client: *mut wazap_client, kind: &str) -> Value {
    pull_where(client, kind, |_| true)
}

/// Pulls events until one of type `kind` for which `wanted` holds, within [`WAIT`].
fn pull_where(client: *mut wazap_client, kind: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        let mut json = null_mut();
        match unsafe { wazap_client_next_event(client, 500, &mut json) } {
            WAZAP_OK => {
                let event: Value = serde_json::from_str(&take(json)).unwrap();
                if event["type"] == kind && wanted(&event) {
                    return event;
                }
            }
            WAZAP_TIMEOUT => assert!(json.is_null()),
            other => panic!("next_event: {other:?} {}", last_error()),
        }
    }
    panic!("no {kind} event within {WAIT:?}");
}

fn status(client: *mut wazap_client) -> Value {
    let mut json = null_mut();
    assert_eq!(unsafe { wazap_client_status(client, &mut json) }, WAZAP_OK);
    serde_json::from_str(&take(json)).unwrap()
}

fn qr(client: *mut wazap_client) -> String {
    let mut out = null_mut();
    assert_eq!(unsafe { wazap_client_qr(client, &mut out) }, WAZAP_OK);
    take(out)
}

/// Connects and pairs `client` by QR for `phone`; returns the device JID.
fn pair_by_qr(env: &Env, client: *mut wazap_client, phone: &str) -> String {
    assert_eq!(wazap_client_connect(client), WAZAP_OK, "{}", last_error());
    let event = pull(client, "qr");
    let code = event["code"].as_str().unwrap().to_owned();
    assert_eq!(qr(client), code, "wazap_client_qr returns the current code");
    let jid = env.scan(phone, &code);
    let success = pull(client, "pair_success");
    assert_eq!(success["jid"], jid.as_str());
    pull(client, "connected");
    jid
}

#[test]
fn pairs_by_qr_with_pulled_events_and_reports_status() {
    let env = Env::start();
    env.account("15550100001");
    let store = TempStore::new();
    let client = env.client(&store);
    let jid = pair_by_qr(&env, client, "15550100001");
    let now = status(client);
    assert_eq!(now["connected"], true);
    assert_eq!(now["logged_in"], true);
    assert_eq!(now["jid"], jid.as_str());
    assert_eq!(qr(client), "", "no QR once paired");
    assert_eq!(wazap_client_connect(client), WAZAP_ALREADY_CONNECTED);

    assert_eq!(wazap_client_disconnect(client), WAZAP_OK);
    assert_eq!(status(client)["connected"], false);
    assert_eq!(wazap_client_free(client), WAZAP_OK);

    // The pairing is in the store: a new client logs straight in.
    let client = env.client(&store);
    assert_eq!(wazap_client_connect(client), WAZAP_OK, "{}", last_error());
    pull(client, "connected");
    assert_eq!(status(client)["jid"], jid.as_str());
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

/// What the test callback records: (event_type, json, len).
type Seen = Mutex<mpsc::Sender<(String, String, usize)>>;

unsafe extern "C" fn record(
    user_data: *mut c_void,
    kind: *const c_char,
    json: *const c_char,
    len: usize,
) {
    let seen = unsafe { &*(user_data as *const Seen) };
    let kind = unsafe { CStr::from_ptr(kind) }.to_str().unwrap().to_owned();
    let json = unsafe { CStr::from_ptr(json) }.to_str().unwrap().to_owned();
    let _ = seen.lock().unwrap().send((kind, json, len));
}

fn wait_kind(rx: &mpsc::Receiver<(String, String, usize)>, kind: &str) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (seen, json, len) = rx.recv_timeout(left).expect("event in time");
        assert_eq!(len, json.len());
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["type"], seen.as_str(), "event_type matches the JSON");
        if seen == kind {
            return value;
        }
    }
}

#[test]
fn pairs_by_code_with_the_callback() {
    let env = Env::start();
    env.account("15550100002");
    let store = TempStore::new();
    let client = env.client(&store);
    let (tx, rx) = mpsc::channel();
    let seen: Box<Seen> = Box::new(Mutex::new(tx));
    let user_data = &*seen as *const Seen as *mut c_void;
    assert_eq!(
        unsafe { wazap_client_set_event_callback(client, Some(record), user_data) },
        WAZAP_OK
    );
    let mut json = null_mut();
    assert_eq!(
        unsafe { wazap_client_next_event(client, 0, &mut json) },
        WAZAP_INVALID_ARGUMENT,
        "no pulling while a callback is set"
    );

    assert_eq!(wazap_client_connect(client), WAZAP_OK, "{}", last_error());
    wait_kind(&rx, "qr");
    let phone = c("+1 555 010 0002");
    let mut code = null_mut();
    let result = unsafe { wazap_client_pair_phone(client, phone.as_ptr(), &mut code) };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let code = take(code);
    assert_eq!(code.len(), 9, "{code}");
    let jid = env.enter_code("15550100002", &code);
    assert_eq!(wait_kind(&rx, "pair_success")["jid"], jid.as_str());
    wait_kind(&rx, "connected");

    // Clearing the callback hands events back to the pull call.
    assert_eq!(unsafe { wazap_client_set_event_callback(client, None, null_mut()) }, WAZAP_OK);
    drop(seen); // the contract: after set_event_callback returns, user_data is ours again
    assert_eq!(wazap_client_disconnect(client), WAZAP_OK);
    assert_eq!(wazap_client_connect(client), WAZAP_OK, "{}", last_error());
    pull(client, "connected");
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

/// The callback frees its own client on the first QR.
struct FreeInside {
    client: *mut wazap_client,
    results: Mutex<mpsc::Sender<u32>>,
}

unsafe extern "C" fn free_on_qr(
    user_data: *mut c_void,
    kind: *const c_char,
    _: *const c_char,
    _: usize,
) {
    let me = unsafe { &*(user_data as *const FreeInside) };
    if unsafe { CStr::from_ptr(kind) }.to_bytes() == b"qr" {
        let result = wazap_client_free(me.client);
        let again = wazap_client_connect(me.client);
        let _ = me.results.lock().unwrap().send(result as u32);
        let _ = me.results.lock().unwrap().send(again as u32);
    }
}

#[test]
fn the_callback_may_free_its_client() {
    let env = Env::start();
    let store = TempStore::new();
    let client = env.client(&store);
    let (tx, rx) = mpsc::channel();
    // Leaked: the detached event thread may still be returning from the callback.
    let state: &'static FreeInside =
        Box::leak(Box::new(FreeInside { client, results: Mutex::new(tx) }));
    let user_data = state as *const FreeInside as *mut c_void;
    assert_eq!(
        unsafe { wazap_client_set_event_callback(client, Some(free_on_qr), user_data) },
        WAZAP_OK
    );
    assert_eq!(wazap_client_connect(client), WAZAP_OK, "{}", last_error());
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), WAZAP_OK as u32, "free inside the callback");
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), WAZAP_INVALID_HANDLE as u32);
    assert_eq!(wazap_client_free(client), WAZAP_INVALID_HANDLE);
    // The callback is not called again (the channel would carry its results).
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn logout_unlinks_the_device() {
    let env = Env::start();
    env.account("15550100003");
    let store = TempStore::new();
    let client = env.client(&store);
    let jid = pair_by_qr(&env, client, "15550100003");
    assert!(env.devices("15550100003").iter().any(|d| jid.contains(&format!(":{}@", d["device"]))));
    assert_eq!(wazap_client_logout(client), WAZAP_OK, "{}", last_error());
    let now = status(client);
    assert_eq!(now["logged_in"], false);
    assert_eq!(now["connected"], false);
    assert!(!env
        .devices("15550100003")
        .iter()
        .any(|d| jid.contains(&format!(":{}@", d["device"]))));
    let again = wazap_client_logout(client);
    assert!(matches!(again, WAZAP_NOT_LOGGED_IN | WAZAP_NOT_CONNECTED), "{again:?}");
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

/// What `client` sends (text, read receipt, presence, chat state, reaction) reaches `peer` as
/// events, not only a `WAZAP_OK`.
#[test]
fn sends_text_that_the_peer_receives_marks_read_and_reacts_to() {
    let env = Env::start();
    env.account("15550100004");
    env.account("15550100005");
    let store = TempStore::new();
    let client = env.client(&store);
    pair_by_qr(&env, client, "15550100004");
    let peer_store = TempStore::new();
    let peer = env.client(&peer_store);
    pair_by_qr(&env, peer, "15550100005");

    let (to, text) = (c("15550100005"), c("hello from C"));
    let mut sent = null_mut();
    let result = unsafe { wazap_client_send_text(client, to.as_ptr(), text.as_ptr(), &mut sent) };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let sent: Value = serde_json::from_str(&take(sent)).unwrap();
    assert!(sent["id"].as_str().is_some_and(|id| !id.is_empty()), "{sent}");
    assert!(sent["timestamp"].as_u64().is_some_and(|t| t > 0), "{sent}");

    // The phone's welcome to a new companion (protocol messages) may come first.
    let message = pull_where(peer, "message", |e| e["message"]["kind"] == "text");
    assert!(message.to_string().contains("hello from C"), "{message}");
    let id = message["info"]["id"].as_str().expect("message id").to_owned();
    let chat = message["info"]["chat"].as_str().expect("chat").to_owned();
    let ids = c(&serde_json::json!([id]).to_string());
    let result = unsafe { wazap_client_mark_read(peer, ids.as_ptr(), c(&chat).as_ptr(), null()) };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let read = pull_where(client, "receipt", |e| e["receipt_type"] == "read");
    assert!(read["ids"].as_array().unwrap().iter().any(|i| i == id.as_str()), "{read}");
    assert_eq!(read["chat"], "15550100005@s.whatsapp.net");

    let me = c("15550100004");
    assert_eq!(unsafe { wazap_client_subscribe_presence(peer, me.as_ptr()) }, WAZAP_OK);
    let available = c("available");
    assert_eq!(unsafe { wazap_client_send_presence(client, available.as_ptr()) }, WAZAP_OK);
    let online = pull_where(peer, "presence", |e| e["available"] == true);
    assert!(online["from"].as_str().unwrap().starts_with("15550100004"), "{online}");

    let (composing, audio) = (c("composing"), c("audio"));
    let result = unsafe {
        wazap_client_send_chat_presence(client, to.as_ptr(), composing.as_ptr(), audio.as_ptr())
    };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let typing = pull_where(peer, "chat_presence", |e| e["state"] == "composing");
    assert!(typing["chat"].as_str().unwrap().starts_with("15550100004"), "{typing}");
    assert_eq!(typing["media"], "audio");

    let (emoji, msg_id) = (c("👍"), c(&id));
    let mut reacted = null_mut();
    let result = unsafe {
        wazap_client_send_reaction(
            peer,
            c(&chat).as_ptr(),
            me.as_ptr(),
            msg_id.as_ptr(),
            false,
            emoji.as_ptr(),
            &mut reacted,
        )
    };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let reacted: Value = serde_json::from_str(&take(reacted)).unwrap();
    let reaction = pull_where(client, "message", |e| e["message"]["kind"] == "reaction");
    assert_eq!(reaction["info"]["id"], reacted["id"]);
    assert_eq!(reaction["message"]["reaction"]["id"], id.as_str());
    assert_eq!(reaction["message"]["reaction"]["emoji"], "👍");

    // Bad input to the messaging calls.
    let bad_jid = c("a@b@c");
    let result =
        unsafe { wazap_client_send_text(client, bad_jid.as_ptr(), text.as_ptr(), null_mut()) };
    assert_eq!(result, WAZAP_INVALID_ARGUMENT);
    let bad_ids = c("[1,");
    let result = unsafe { wazap_client_mark_read(client, bad_ids.as_ptr(), to.as_ptr(), null()) };
    assert_eq!(result, WAZAP_INVALID_JSON);
    let busy = c("busy");
    assert_eq!(
        unsafe { wazap_client_send_presence(client, busy.as_ptr()) },
        WAZAP_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe { wazap_client_send_text(client, null(), text.as_ptr(), null_mut()) },
        WAZAP_NULL_POINTER
    );
    assert_eq!(wazap_client_free(peer), WAZAP_OK);
    assert_eq!(wazap_client_free(client), WAZAP_OK);
    let result = unsafe { wazap_client_send_text(client, to.as_ptr(), text.as_ptr(), null_mut()) };
    assert_eq!(result, WAZAP_INVALID_HANDLE);
}

/// A file sent with `wazap_client_send_media` reaches the peer as a media message whose file
/// `wazap_client_download` returns byte for byte; bad arguments get their own codes.
#[test]
fn sends_media_that_the_peer_downloads() {
    use crate::media::*;

    let env = Env::start();
    env.account("15550100006");
    env.account("15550100007");
    let store = TempStore::new();
    let client = env.client(&store);
    pair_by_qr(&env, client, "15550100006");
    let peer_store = TempStore::new();
    let peer = env.client(&peer_store);
    pair_by_qr(&env, peer, "15550100007");

    let file: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (to, kind, name) = (c("15550100007"), c("document"), c("data.bin"));
    let mut sent = null_mut();
    let result = unsafe {
        wazap_client_send_media(
            client,
            to.as_ptr(),
            kind.as_ptr(),
            file.as_ptr(),
            file.len(),
            null(),
            null(),
            name.as_ptr(),
            false,
            &mut sent,
        )
    };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let sent: Value = serde_json::from_str(&take(sent)).unwrap();
    let message = pull_where(peer, "message", |e| e["message"]["kind"] == "document");
    assert_eq!(message["info"]["id"], sent["id"]);
    let raw = c(message["message"]["raw"].as_str().expect("raw"));
    let (mut data, mut len) = (null_mut(), 0usize);
    let result = unsafe { wazap_client_download(peer, raw.as_ptr(), &mut data, &mut len) };
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    assert_eq!(unsafe { std::slice::from_raw_parts(data, len) }, file.as_slice());
    unsafe { wazap_bytes_free(data, len) };

    // Bad input: an unknown kind, a document without a name, NULL data, a text message, text
    // that is not base64, NULL outputs.
    let send = |kind: &str, data: *const u8, name: *const c_char| unsafe {
        let kind = c(kind);
        wazap_client_send_media(
            client,
            to.as_ptr(),
            kind.as_ptr(),
            data,
            4,
            null(),
            null(),
            name,
            false,
            null_mut(),
        )
    };
    assert_eq!(send("gif", file.as_ptr(), null()), WAZAP_INVALID_ARGUMENT);
    assert!(last_error().contains("image, video"), "{}", last_error());
    assert_eq!(send("document", file.as_ptr(), null()), WAZAP_INVALID_ARGUMENT);
    assert!(last_error().contains("file name"), "{}", last_error());
    assert_eq!(send("image", null(), null()), WAZAP_NULL_POINTER);
    let download = |raw: &str| unsafe {
        let raw = c(raw);
        let (mut data, mut len) = (null_mut(), 0usize);
        let result = wazap_client_download(peer, raw.as_ptr(), &mut data, &mut len);
        assert!(data.is_null() && len == 0);
        result
    };
    assert_eq!(download("CgR0ZXh0"), WAZAP_INVALID_ARGUMENT); // {conversation: "text"}
    assert!(last_error().contains("no downloadable media"), "{}", last_error());
    assert_eq!(download("not base64!"), WAZAP_INVALID_ARGUMENT);
    let result = unsafe { wazap_client_download(peer, raw.as_ptr(), null_mut(), &mut len) };
    assert_eq!(result, WAZAP_NULL_POINTER);
    unsafe { wazap_bytes_free(null_mut(), 0) };
    assert_eq!(wazap_client_free(peer), WAZAP_OK);
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

/// Groups and users through `wazap_client_request`: a group created by one client is seen by
/// the other; on-WhatsApp checks; bad requests get their own codes.
#[test]
fn groups_and_users_by_request() {
    use crate::requests::*;
    use crate::result::wazap_result;

    let env = Env::start();
    env.account("15550100008");
    env.account("15550100009");
    let store = TempStore::new();
    let client = env.client(&store);
    pair_by_qr(&env, client, "15550100008");
    let peer_store = TempStore::new();
    let peer = env.client(&peer_store);
    pair_by_qr(&env, peer, "15550100009");

    let request = |who: *mut wazap_client, method: &str, args: &str| -> (wazap_result, Value) {
        let (method, args) = (c(method), c(args));
        let mut out = null_mut();
        let result = unsafe { wazap_client_request(who, method.as_ptr(), args.as_ptr(), &mut out) };
        let answer = if out.is_null() { Value::Null } else { take(out).parse().unwrap() };
        (result, answer)
    };
    let (result, group) =
        request(client, "create_group", r#"{"name":"C group","participants":["15550100009"]}"#);
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let jid = group["jid"].as_str().expect("a group jid").to_owned();
    assert_eq!(group["participants"].as_array().map(Vec::len), Some(2), "{group}");
    let joined = pull_where(peer, "joined_group", |e| e["group"]["jid"] == jid.as_str());
    assert_eq!(joined["group"]["name"], "C group");
    let (result, groups) = request(peer, "joined_groups", "{}");
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    assert!(groups.as_array().unwrap().iter().any(|g| g["jid"] == jid.as_str()), "{groups}");

    let (result, answers) =
        request(client, "is_on_whatsapp", r#"{"phones":["15550100009","15559999995"]}"#);
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    let is_in = |number: &str| {
        let answer = answers
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["query"].as_str().map(|q| q.trim_start_matches('+')) == Some(number));
        answer.and_then(|a| a["is_in"].as_bool())
    };
    assert_eq!((is_in("15550100009"), is_in("15559999995")), (Some(true), Some(false)));

    // Blocking, a request the C API has no function of its own for.
    let block = r#"{"jid":"15550100009","action":"block"}"#;
    let (result, list) = request(client, "update_blocklist", block);
    assert_eq!(result, WAZAP_OK, "{}", last_error());
    assert_eq!(list["jids"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(request(client, "get_blocklist", "").1, list);
    let unblock = r#"{"jid":"15550100009","action":"unblock"}"#;
    assert_eq!(request(client, "update_blocklist", unblock).1["jids"], serde_json::json!([]));

    assert_eq!(request(client, "brew_tea", "{}").0, WAZAP_INVALID_ARGUMENT);
    assert!(last_error().contains("brew_tea"), "{}", last_error());
    assert_eq!(request(client, "group_info", "{").0, WAZAP_INVALID_JSON);
    assert_eq!(request(client, "group_info", r#"{"group":"a@b@c"}"#).0, WAZAP_INVALID_ARGUMENT);
    let method = c("joined_groups");
    let result = unsafe { wazap_client_request(client, method.as_ptr(), null(), null_mut()) };
    assert_eq!(result, WAZAP_NULL_POINTER);
    assert_eq!(wazap_client_free(peer), WAZAP_OK);
    assert_eq!(wazap_client_free(client), WAZAP_OK);
}

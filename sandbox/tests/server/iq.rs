//! The iq handlers a logged-in device uses: prekeys (upload, count, fetch once), usync, ping,
//! media_conn, passive, profile pictures, logout, and the answer to an unknown iq.
use crate::common;

use common::*;
use rand::rngs::OsRng;
use wazap::binary::{Jid, Node};
use wazap::crypto::KeyPair;
use wazap::signal::{generate_pre_keys, SignedPreKeyRecord};
use wazap_sandbox::SandboxHandle;

fn key_node(id: u32, public: &[u8; 32]) -> Node {
    Node::new("key")
        .child(Node::new("id").bytes(id.to_be_bytes()[1..].to_vec()))
        .child(Node::new("value").bytes(public.to_vec()))
}

fn skey_node(record: &SignedPreKeyRecord) -> Node {
    Node::new("skey")
        .child(Node::new("id").bytes(record.id.to_be_bytes()[1..].to_vec()))
        .child(Node::new("value").bytes(record.key_pair.public.0.to_vec()))
        .child(Node::new("signature").bytes(record.signature.to_vec()))
}

fn upload(device: &TestDevice, count: u32, signed: &SignedPreKeyRecord) -> Vec<Node> {
    let keys = generate_pre_keys(1, count, &mut OsRng);
    vec![
        Node::new("registration").bytes(device.registration_id.to_be_bytes().to_vec()),
        Node::new("type").bytes(vec![5]),
        Node::new("identity").bytes(device.identity.public.0.to_vec()),
        Node::new("list").children(keys.iter().map(|k| key_node(k.id, &k.key_pair.public.0))),
        skey_node(signed),
    ]
}

async fn count(conn: &mut TestConn) -> u64 {
    let reply = conn.iq("encrypt", "get", vec![Node::new("count")]).await;
    reply.child_by_tag("count").expect("count").req_u64("value").expect("value")
}

async fn fetch(conn: &mut TestConn, jid: Jid) -> Node {
    let key = Node::new("key").child(Node::new("user").attr("jid", jid).attr("reason", "identity"));
    let reply = conn.iq("encrypt", "get", vec![key]).await;
    reply.child_by_path(&["list", "user"]).expect("user").clone()
}

#[tokio::test]
async fn prekeys_upload_count_and_fetch_once() {
    let sandbox = start().await;
    create_account(&sandbox, "15551110000", "Alice").await;
    let alice = pair_new_device(&sandbox, "15551110000").await;
    create_account(&sandbox, "15552220000", "Bob").await;
    let bob = pair_new_device(&sandbox, "15552220000").await;
    let (mut a, _) = login(&sandbox, &alice).await;
    let (mut b, _) = login(&sandbox, &bob).await;

    assert_eq!(count(&mut a).await, 0);
    let reply = a.iq("encrypt", "set", upload(&alice, 2, &alice.signed_prekey)).await;
    assert_eq!(reply.attr_str("type"), Some("result"), "{reply}");
    assert_eq!(count(&mut a).await, 2);

    // A signed prekey signed by another key is refused.
    let forged = SignedPreKeyRecord::generate(&KeyPair::generate(&mut OsRng), 2, &mut OsRng);
    let reply = a.iq("encrypt", "set", upload(&alice, 1, &forged)).await;
    assert_eq!(iq_error_code(&reply), Some(400), "{reply}");
    assert_eq!(count(&mut a).await, 2);

    let alice_jid = Jid::pn("15551110000").with_device(1);
    let mut seen = Vec::new();
    for _ in 0..3 {
        let user = fetch(&mut b, alice_jid.clone()).await;
        assert_eq!(user.req_jid("jid").unwrap(), alice_jid);
        assert_eq!(
            user.child_by_tag("identity").and_then(Node::content_bytes),
            Some(&alice.identity.public.0[..])
        );
        assert_eq!(
            user.child_by_tag("registration").and_then(Node::content_bytes),
            Some(&alice.registration_id.to_be_bytes()[..])
        );
        let skey = user.child_by_tag("skey").expect("skey");
        assert_eq!(
            skey.child_by_tag("signature").and_then(Node::content_bytes),
            Some(&alice.signed_prekey.signature[..])
        );
        seen.push(
            user.child_by_tag("key")
                .map(|k| k.child_by_tag("id").unwrap().content_bytes().unwrap().to_vec()),
        );
    }
    assert!(seen[0].is_some() && seen[1].is_some());
    assert_ne!(seen[0], seen[1], "each one-time prekey goes out once");
    assert_eq!(seen[2], None, "none left");
    assert_eq!(count(&mut a).await, 0);

    // The phone (device 0) publishes a bundle too, reachable by LID as well.
    let (_, devices) = http(&sandbox, "GET", "/control/devices?phone=15551110000", None).await;
    let lid: Jid = devices[0]["lid"].as_str().unwrap().parse().unwrap();
    let phone = fetch(&mut b, lid.clone()).await;
    assert!(phone.child_by_tag("key").is_some(), "{phone}");
    assert!(phone.child_by_tag("identity").is_some());

    let unknown = fetch(&mut b, Jid::pn("19999999999")).await;
    assert_eq!(unknown.child_by_tag("error").and_then(|e| e.attr_str("code")), Some("404"));
}

fn usync_query(protocols: Vec<Node>, users: Vec<Node>) -> Vec<Node> {
    vec![Node::new("usync")
        .attr("sid", "1")
        .attr("mode", "query")
        .attr("last", "true")
        .attr("index", "0")
        .attr("context", "message")
        .child(Node::new("query").children(protocols))
        .child(Node::new("list").children(users))]
}

#[tokio::test]
async fn usync_answers_devices_lid_contact_status() {
    let sandbox = start().await;
    let account = create_account(&sandbox, "15553330000", "Carol").await;
    let lid = account["lid"].as_str().unwrap().to_owned();
    let carol = pair_new_device(&sandbox, "15553330000").await;
    let (mut conn, _) = login(&sandbox, &carol).await;

    let reply = conn
        .iq(
            "usync",
            "get",
            usync_query(
                vec![
                    Node::new("devices").attr("version", "2"),
                    Node::new("lid"),
                    Node::new("status"),
                    Node::new("business"),
                ],
                vec![Node::new("user").attr("jid", Jid::pn("15553330000"))],
            ),
        )
        .await;
    let user = reply.child_by_path(&["usync", "list", "user"]).expect("user");
    let ids: Vec<&str> = user
        .child_by_path(&["devices", "device-list"])
        .expect("device-list")
        .children_by_tag("device")
        .map(|d| d.attr_str("id").unwrap())
        .collect();
    assert_eq!(ids, ["0", "1"]);
    assert!(user
        .child_by_path(&["devices", "key-index-list"])
        .and_then(Node::content_bytes)
        .is_some());
    assert_eq!(user.child_by_tag("lid").unwrap().req_jid("val").unwrap().to_string(), lid);
    assert!(user.child_by_tag("status").and_then(Node::content_str).is_some());
    assert!(user.child_by_tag("business").is_some());

    // By LID, the device list is the same.
    let reply = conn
        .iq(
            "usync",
            "get",
            usync_query(
                vec![Node::new("devices").attr("version", "2")],
                vec![Node::new("user").attr("jid", lid.parse::<Jid>().unwrap())],
            ),
        )
        .await;
    let n = reply
        .child_by_path(&["usync", "list", "user", "devices", "device-list"])
        .map(|l| l.children_by_tag("device").count());
    assert_eq!(n, Some(2));

    // Contact check with +number: one in, one out.
    let reply = conn
        .iq(
            "usync",
            "get",
            usync_query(
                vec![Node::new("contact")],
                vec![
                    Node::new("user").child(Node::new("contact").text("+15553330000")),
                    Node::new("user").child(Node::new("contact").text("+15550009999")),
                ],
            ),
        )
        .await;
    let users: Vec<&Node> =
        reply.child_by_path(&["usync", "list"]).unwrap().children_by_tag("user").collect();
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].child_by_tag("contact").and_then(|c| c.attr_str("type")), Some("in"));
    assert_eq!(users[0].req_jid("jid").unwrap().to_string(), "15553330000@s.whatsapp.net");
    assert_eq!(users[1].child_by_tag("contact").and_then(|c| c.attr_str("type")), Some("out"));
}

#[tokio::test]
async fn ping_media_conn_passive_picture_and_unknown_iq() {
    let sandbox = start().await;
    create_account(&sandbox, "15554440000", "Dan").await;
    let dan = pair_new_device(&sandbox, "15554440000").await;
    let (mut conn, _) = login(&sandbox, &dan).await;

    assert_eq!(conn.iq("w:p", "get", vec![]).await.attr_str("type"), Some("result"));
    let reply = conn.iq("passive", "set", vec![Node::new("active")]).await;
    assert_eq!(reply.attr_str("type"), Some("result"));

    let reply = conn.iq("w:m", "set", vec![Node::new("media_conn")]).await;
    let media = reply.child_by_tag("media_conn").expect("media_conn");
    assert!(!media.attr_str("auth").unwrap_or_default().is_empty());
    assert!(media.req_u64("ttl").unwrap() > 0);
    assert_eq!(
        media.child_by_tag("host").and_then(|h| h.attr_str("hostname")),
        Some(sandbox.local_addr().to_string().as_str())
    );

    let picture = Node::new("picture").attr("type", "image").attr("query", "url");
    conn.send(
        &Node::new("iq")
            .attr("id", "pic")
            .attr("xmlns", "w:profile:picture")
            .attr("type", "get")
            .attr("to", Jid::server_only(wazap::binary::Server::Pn))
            .attr("target", Jid::pn("15554440000"))
            .child(picture),
    )
    .await;
    let reply = conn.recv_tag("iq").await;
    assert_eq!(reply.attr_str("id"), Some("pic"));
    assert_eq!(iq_error_code(&reply), Some(404));

    // A namespace the sandbox does not serve (the business catalog).
    let reply = conn.iq("w:biz:catalog", "get", vec![Node::new("product_catalog")]).await;
    assert_eq!(iq_error_code(&reply), Some(501));
    assert_eq!(
        reply.child_by_tag("error").and_then(|e| e.attr_str("text")),
        Some("feature-not-implemented")
    );
}

#[tokio::test]
async fn unpaired_connections_may_not_use_device_iqs() {
    let sandbox = start().await;
    let device = TestDevice::new();
    let (mut conn, _refs) = register(&sandbox, &device).await;
    let reply = conn.iq("encrypt", "get", vec![Node::new("count")]).await;
    assert_eq!(iq_error_code(&reply), Some(401));
    assert_eq!(conn.iq("w:p", "get", vec![]).await.attr_str("type"), Some("result"));
}

/// An account with two linked companions, both logged in: (sandbox, the second device, the
/// first's and the second's connections).
async fn two_companions(
    phone: &str,
    name: &str,
) -> (SandboxHandle, TestDevice, TestConn, TestConn) {
    let sandbox = start().await;
    create_account(&sandbox, phone, name).await;
    let first = pair_new_device(&sandbox, phone).await;
    let second = pair_new_device(&sandbox, phone).await;
    let (one, _) = login(&sandbox, &first).await;
    let (two, _) = login(&sandbox, &second).await;
    (sandbox, second, one, two)
}

/// `<stream:error code="401"><conflict type="device_removed"/>`: what an unlinked device gets.
fn assert_device_removed(error: &Node) {
    assert_eq!(error.tag, "stream:error");
    assert_eq!(error.attr_str("code"), Some("401"));
    assert_eq!(
        error.child_by_tag("conflict").and_then(|c| c.attr_str("type")),
        Some("device_removed")
    );
}

#[tokio::test]
async fn logout_removes_the_device_and_tells_the_others() {
    let (sandbox, second, mut one, mut two) = two_companions("15555550000", "Eve").await;

    let remove = Node::new("remove-companion-device")
        .attr("jid", Jid::pn("15555550000").with_device(2))
        .attr("reason", "user_initiated");
    // The device unlinks itself: result, then the device_removed stream error.
    two.send(
        &Node::new("iq")
            .attr("id", "bye")
            .attr("xmlns", "md")
            .attr("type", "set")
            .attr("to", Jid::server_only(wazap::binary::Server::Pn))
            .child(remove),
    )
    .await;
    let rest = two.expect_closed().await;
    let reply = rest.iter().find(|n| n.attr_str("id") == Some("bye")).expect("the iq reply");
    assert_eq!(reply.attr_str("type"), Some("result"), "{rest:?}");
    assert_device_removed(rest.last().unwrap());

    let notification = one.recv_tag("notification").await;
    assert_eq!(notification.attr_str("type"), Some("devices"));
    let removed = notification.child_by_path(&["remove", "device"]).expect("remove/device");
    assert_eq!(removed.req_jid("jid").unwrap(), Jid::pn("15555550000").with_device(2));

    let (_, devices) = http(&sandbox, "GET", "/control/devices?phone=15555550000", None).await;
    assert_eq!(devices.as_array().map(Vec::len), Some(2), "{devices}");
    let (_, failure) = login(&sandbox, &second).await;
    assert_eq!(failure.attr_str("reason"), Some("401"));
}

/// `POST /control/unlink`: the phone removes a companion (Linked devices, Log out).
#[tokio::test]
async fn the_phone_unlinks_a_companion() {
    let (sandbox, second, mut one, mut two) = two_companions("15555560000", "Fred").await;

    let unlink = |device: u16| serde_json::json!({ "phone": "15555560000", "device": device });
    let (status, body) =
        http(&sandbox, "POST", "/control/unlink", Some(&unlink(2).to_string())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["device_jid"], "15555560000:2@s.whatsapp.net");
    assert_device_removed(&two.expect_closed().await.pop().expect("a stream error"));
    let notification = one.recv_tag("notification").await;
    let removed = notification.child_by_path(&["remove", "device"]).expect("remove/device");
    assert_eq!(removed.req_jid("jid").unwrap(), Jid::pn("15555560000").with_device(2));
    let (_, failure) = login(&sandbox, &second).await;
    assert_eq!(failure.attr_str("reason"), Some("401"));

    // Again, the phone itself, an unknown account: errors, and nothing else changes.
    for (body, expected) in [
        (unlink(2), 404),
        (unlink(0), 400),
        (serde_json::json!({ "phone": "15555569999", "device": 1 }), 404),
    ] {
        let (status, answer) =
            http(&sandbox, "POST", "/control/unlink", Some(&body.to_string())).await;
        assert_eq!(status, expected, "{body} → {answer}");
    }
    let (_, devices) = http(&sandbox, "GET", "/control/devices?phone=15555560000", None).await;
    assert_eq!(devices.as_array().map(Vec::len), Some(2), "{devices}");
}

#[tokio::test]
async fn privacy_blocklist_and_props() {
    let sandbox = start().await;
    create_account(&sandbox, "15556060000", "Gil").await;
    create_account(&sandbox, "15556070000", "Hana").await;
    let gil = pair_new_device(&sandbox, "15556060000").await;
    let hana = pair_new_device(&sandbox, "15556070000").await;
    let (mut g, _) = login(&sandbox, &gil).await;
    let (mut h, _) = login(&sandbox, &hana).await;

    let props = g.iq("abt", "get", vec![Node::new("props").attr("protocol", "1")]).await;
    assert!(props.child_by_tag("props").and_then(|p| p.attr_str("hash")).is_some());
    // Baileys 6's server-props query (`xmlns="w"`, protocol 2) is refused as WhatsApp refuses it.
    let legacy = Node::new("props").attr("protocol", "2").attr("hash", "");
    assert_eq!(iq_error_code(&g.iq("w", "get", vec![legacy]).await), Some(400));

    let value_of = |reply: &Node, name: &str| {
        reply
            .child_by_tag("privacy")
            .and_then(|p| p.children_by_tag("category").find(|c| c.attr_str("name") == Some(name)))
            .and_then(|c| c.attr_str("value"))
            .map(str::to_owned)
    };
    let reply = g.iq("privacy", "get", vec![Node::new("privacy")]).await;
    assert_eq!(value_of(&reply, "last").as_deref(), Some("all"));
    let set = Node::new("privacy")
        .child(Node::new("category").attr("name", "last").attr("value", "none"));
    assert_eq!(g.iq("privacy", "set", vec![set]).await.attr_str("type"), Some("result"));
    let reply = g.iq("privacy", "get", vec![Node::new("privacy")]).await;
    assert_eq!(value_of(&reply, "last").as_deref(), Some("none"));
    let bad = Node::new("privacy")
        .child(Node::new("category").attr("name", "last").attr("value", "everyone"));
    assert_eq!(iq_error_code(&g.iq("privacy", "set", vec![bad]).await), Some(400));

    // Gil blocks Hana: the list names her, and her messages no longer reach him.
    let block = Node::new("item").attr("action", "block").attr("jid", Jid::pn("15556070000"));
    let reply = g.iq("blocklist", "set", vec![block]).await;
    let items: Vec<Jid> = reply
        .child_by_tag("list")
        .unwrap()
        .children_by_tag("item")
        .map(|i| i.req_jid("pn_jid").unwrap())
        .collect();
    assert_eq!(items, [Jid::pn("15556070000")]);
    let message =
        |id: &str| {
            Node::new("message")
                .attr("id", id.to_owned())
                .attr("type", "text")
                .attr("to", Jid::pn("15556060000"))
                .child(Node::new("participants").child(
                    Node::new("to").attr("jid", Jid::pn("15556060000").with_device(1)).child(
                        Node::new("enc").attr("v", "2").attr("type", "msg").bytes(vec![1; 4]),
                    ),
                ))
        };
    h.send(&message("B1")).await;
    assert_eq!(h.recv_tag("ack").await.attr_str("id"), Some("B1"));
    let unblock = Node::new("item").attr("action", "unblock").attr("jid", Jid::pn("15556070000"));
    g.iq("blocklist", "set", vec![unblock]).await;
    h.send(&message("B2")).await;
    let got = g.recv_tag("message").await;
    assert_eq!(got.attr_str("id"), Some("B2"), "B1 was never delivered");
}

#[tokio::test]
async fn profile_picture_set_get_and_remove() {
    let sandbox = start().await;
    create_account(&sandbox, "15556080000", "Ida").await;
    let ida = pair_new_device(&sandbox, "15556080000").await;
    let (mut conn, _) = login(&sandbox, &ida).await;
    let me = Jid::pn("15556080000");
    assert_eq!(iq_error_code(&ask_picture(&mut conn, &me, None).await), Some(404));

    let jpeg = b"\xff\xd8\xff\xe0 not really a jpeg".to_vec();
    let reply = conn
        .iq(
            "w:profile:picture",
            "set",
            vec![Node::new("picture").attr("type", "image").bytes(jpeg.clone())],
        )
        .await;
    let picture_id =
        reply.child_by_tag("picture").and_then(|p| p.attr_str("id")).expect("id").to_owned();

    let reply = ask_picture(&mut conn, &me, None).await;
    let picture = reply.child_by_tag("picture").expect("picture");
    assert_eq!(picture.attr_str("id"), Some(picture_id.as_str()));
    let path = picture.attr_str("direct_path").unwrap().to_owned();
    assert_eq!(picture.attr_str("url"), Some(format!("{}{path}", sandbox.media_url()).as_str()));
    let (status, _, body) = http_raw(&sandbox, "GET", &path, b"").await;
    assert_eq!((status, body), (200, jpeg));
    // usync's `picture` protocol names the same id (whatsmeow GetUserInfo reads `<picture id>`).
    assert_eq!(usync_picture_id(&mut conn, &me).await.as_deref(), Some(picture_id.as_str()));

    let unchanged = ask_picture(&mut conn, &me, Some(picture_id)).await;
    assert_eq!(unchanged.attr_str("type"), Some("result"));
    assert!(unchanged.child_by_tag("picture").is_none());

    conn.iq("w:profile:picture", "set", vec![]).await;
    assert_eq!(iq_error_code(&ask_picture(&mut conn, &me, None).await), Some(404));
    assert_eq!(usync_picture_id(&mut conn, &me).await, None);
}

/// The `<picture id>` usync answers for `user`, with its status alongside.
async fn usync_picture_id(conn: &mut TestConn, user: &Jid) -> Option<String> {
    let reply = conn
        .iq(
            "usync",
            "get",
            usync_query(
                vec![Node::new("status"), Node::new("picture")],
                vec![Node::new("user").attr("jid", user.clone())],
            ),
        )
        .await;
    let answer = reply.child_by_path(&["usync", "list", "user"]).expect("user");
    let status = answer.child_by_tag("status").and_then(Node::content_str);
    assert_eq!(status, Some("Hey there! I am using WhatsApp."), "{answer}");
    let picture = answer.child_by_tag("picture").expect("<picture> answered");
    picture.attr_str("id").map(str::to_owned)
}

async fn ask_picture(conn: &mut TestConn, target: &Jid, existing: Option<String>) -> Node {
    let picture = Node::new("picture")
        .attr("type", "image")
        .attr("query", "url")
        .opt_attr("id", existing.clone());
    let id = format!("pp-{}", existing.unwrap_or_default());
    let node = Node::new("iq")
        .attr("id", id.clone())
        .attr("xmlns", "w:profile:picture")
        .attr("type", "get")
        .attr("to", Jid::server_only(wazap::binary::Server::Pn))
        .attr("target", target.clone())
        .child(picture);
    conn.send(&node).await;
    loop {
        let reply = conn.recv_tag("iq").await;
        if reply.attr_str("id") == Some(id.as_str()) {
            return reply;
        }
    }
}

#[tokio::test]
async fn status_text_dirty_bits_and_unknown_requests() {
    let sandbox = start().await;
    create_account(&sandbox, "15554450000", "Eve").await;
    let eve = pair_new_device(&sandbox, "15554450000").await;
    let (mut conn, _) = login(&sandbox, &eve).await;

    // The about text set by a companion is what usync's status protocol answers.
    let reply = conn.iq("status", "set", vec![Node::new("status").text("on holiday")]).await;
    assert_eq!(reply.attr_str("type"), Some("result"));
    let reply = conn
        .iq(
            "usync",
            "get",
            usync_query(
                vec![Node::new("status")],
                vec![Node::new("user").attr("jid", Jid::pn("15554450000"))],
            ),
        )
        .await;
    let status = reply.child_by_path(&["usync", "list", "user", "status"]).expect("status");
    assert_eq!(status.content_str(), Some("on holiday"));

    let clean = Node::new("clean").attr("type", "account_sync").attr("timestamp", "1");
    let reply = conn.iq("urn:xmpp:whatsapp:dirty", "set", vec![clean]).await;
    assert_eq!(reply.attr_str("type"), Some("result"));

    // A request of a served namespace that the server does not know is a bad request.
    for (xmlns, kind, child) in
        [("encrypt", "get", "nonsense"), ("md", "set", "nonsense"), ("w:g2", "set", "nonsense")]
    {
        let reply = conn.iq(xmlns, kind, vec![Node::new(child)]).await;
        assert_eq!(iq_error_code(&reply), Some(400), "{xmlns}: {reply:?}");
    }
}

//! Routing of 1:1 messages between companion devices: per-device `<enc>` fan-out, server ack
//! with timestamp and phash, offline queue delivered at login with `<ib><offline/>`, receipts
//! relayed back to the sender, chat states relayed live.
use crate::common;

use common::*;
use wazap::binary::{Jid, Node};
use wazap_sandbox::jids::participant_hash;

fn enc(marker: u8) -> Node {
    Node::new("enc").attr("v", "2").attr("type", "msg").bytes(vec![marker; 16])
}

/// A 1:1 `<message>` with one `<enc type="msg">` per participant (its bytes: the marker).
pub(crate) fn message(
    id: &str,
    to: Jid,
    phash: Option<String>,
    participants: Vec<(Jid, u8)>,
) -> Node {
    Node::new("message")
        .attr("id", id.to_owned())
        .attr("type", "text")
        .attr("to", to)
        .opt_attr("phash", phash)
        .child(Node::new("participants").children(
            participants.into_iter().map(|(jid, m)| Node::new("to").attr("jid", jid).child(enc(m))),
        ))
}

/// The server's ack of the stanza `id` (other acks are skipped).
pub(crate) async fn ack_for(conn: &mut TestConn, id: &str) -> Node {
    loop {
        let node = conn.recv_tag("ack").await;
        if node.attr_str("id") == Some(id) {
            return node;
        }
    }
}

#[tokio::test]
async fn direct_messages_receipts_and_chat_states() {
    let sandbox = start().await;
    create_account(&sandbox, "15550200000", "Alice").await;
    create_account(&sandbox, "15550300000", "Bob").await;
    let alice = pair_new_device(&sandbox, "15550200000").await;
    let bob = pair_new_device(&sandbox, "15550300000").await;
    let (mut a, _) = login(&sandbox, &alice).await;

    let bob_user = Jid::pn("15550300000");
    let devices = vec![
        bob_user.clone(),
        bob_user.clone().with_device(1),
        Jid::pn("15550200000"), // Alice's phone: her other device
        Jid::pn("15550200000").with_device(1), // the sending device counts too
    ];
    let phash = participant_hash(&devices);
    let participants = vec![
        (bob_user.clone(), 0),
        (bob_user.clone().with_device(1), 1),
        (Jid::pn("15550200000"), 2),
    ];
    a.send(&message("M1", bob_user.clone(), Some(phash.clone()), participants.clone())).await;
    let ack = ack_for(&mut a, "M1").await;
    assert_eq!(ack.attr_str("class"), Some("message"));
    assert!(ack.req_u64("t").unwrap() > 1_600_000_000);
    assert_eq!(ack.attr_str("phash"), None, "the device lists agree: {ack}");

    // A stale device list: the ack names the server's hash.
    a.send(&message("M2", bob_user.clone(), Some("2:AAAAAAAA".into()), participants[..1].to_vec()))
        .await;
    let ack = ack_for(&mut a, "M2").await;
    assert_eq!(ack.attr_str("phash"), Some(phash.as_str()));

    // Bob was offline: M1 waited for his device (M2 went to his phone only), then the marker.
    let (mut b, _) = login(&sandbox, &bob).await;
    let first = b.recv_tag("message").await;
    assert_eq!(first.attr_str("id"), Some("M1"));
    assert_eq!(first.req_jid("from").unwrap(), Jid::pn("15550200000").with_device(1));
    assert_eq!(first.attr_str("notify"), Some("Alice"));
    assert_eq!(first.child_by_tag("enc").and_then(Node::content_bytes), Some(&[1u8; 16][..]));
    assert!(first.opt_jid("sender_lid").unwrap().is_some_and(|j| j.is_lid()));
    let ib = b.recv_tag("ib").await;
    assert_eq!(ib.child_by_tag("offline").and_then(|o| o.attr_str("count")), Some("1"));

    // Bob acknowledges delivery and reading: Alice's device gets both receipts from bob:1.
    for kind in [None, Some("read")] {
        let receipt = Node::new("receipt")
            .attr("id", "M1")
            .attr("to", Jid::pn("15550200000"))
            .opt_attr("type", kind);
        b.send(&receipt).await;
        let server_ack = b.recv_tag("ack").await;
        assert_eq!(server_ack.attr_str("class"), Some("receipt"));
        // (The phones, which cannot decrypt the test's ciphertext, send retry receipts.)
        let relayed = loop {
            let receipt = a.recv_tag("receipt").await;
            if receipt.attr_str("type") != Some("retry") {
                break receipt;
            }
        };
        assert_eq!(relayed.attr_str("id"), Some("M1"));
        assert_eq!(relayed.attr_str("type"), kind);
        assert_eq!(relayed.req_jid("from").unwrap(), bob_user.clone().with_device(1));
    }

    // Live delivery, and typing indicators.
    a.send(&message("M3", bob_user.clone(), None, participants[1..2].to_vec())).await;
    let live = b.recv_tag("message").await;
    assert_eq!(live.attr_str("id"), Some("M3"));
    a.send(&Node::new("chatstate").attr("to", bob_user.clone()).child(Node::new("composing")))
        .await;
    let typing = b.recv_tag("chatstate").await;
    assert_eq!(typing.req_jid("from").unwrap(), Jid::pn("15550200000"));
    assert!(typing.child_by_tag("composing").is_some());

    // Groups are not served yet: the ack says so.
    a.send(&message("G1", Jid::group("123-456"), None, vec![])).await;
    assert_eq!(ack_for(&mut a, "G1").await.attr_str("error"), Some("404"));
}

#[tokio::test]
async fn messages_by_lid_are_delivered_in_lid_addressing() {
    let sandbox = start().await;
    create_account(&sandbox, "15550400000", "Cid").await;
    let dee = create_account(&sandbox, "15550500000", "Dee").await;
    let cid = pair_new_device(&sandbox, "15550400000").await;
    let dee_device = pair_new_device(&sandbox, "15550500000").await;
    let (mut c, _) = login(&sandbox, &cid).await;
    let (mut d, _) = login(&sandbox, &dee_device).await;
    let dee_lid: Jid = dee["lid"].as_str().unwrap().parse().unwrap();
    c.send(&message("L1", dee_lid.clone(), None, vec![(dee_lid.clone().with_device(1), 7)])).await;
    let got = d.recv_tag("message").await;
    assert_eq!(got.attr_str("addressing_mode"), Some("lid"));
    let from = got.req_jid("from").unwrap();
    assert!(from.is_lid() && from.device == 1, "{from}");
    assert_eq!(got.req_jid("sender_pn").unwrap(), Jid::pn("15550400000"));
}

#[tokio::test]
async fn presence_subscriptions_follow_availability() {
    let sandbox = start().await;
    create_account(&sandbox, "15550600000", "Eli").await;
    create_account(&sandbox, "15550700000", "Flo").await;
    let eli = pair_new_device(&sandbox, "15550600000").await;
    let flo = pair_new_device(&sandbox, "15550700000").await;
    let (mut e, _) = login(&sandbox, &eli).await;
    let (mut f, _) = login(&sandbox, &flo).await;

    e.send(&Node::new("presence").attr("type", "subscribe").attr("to", Jid::pn("15550700000")))
        .await;
    let now = e.recv_tag("presence").await;
    assert_eq!(now.req_jid("from").unwrap(), Jid::pn("15550700000"));
    assert_eq!(now.attr_str("type"), Some("unavailable"));

    f.send(&Node::new("presence").attr("type", "available").attr("name", "Flo")).await;
    let online = e.recv_tag("presence").await;
    assert_eq!(online.attr_str("type"), Some("available"));

    drop(f);
    let offline = e.recv_tag("presence").await;
    assert_eq!(offline.attr_str("type"), Some("unavailable"));
    assert!(offline.req_u64("last").unwrap() > 1_600_000_000);
}

/// Receives until a `<message>` comes; `None` if an answer to a ping comes first (nothing
/// more is on its way: the server answers stanzas in order).
async fn next_message_before_ping(conn: &mut TestConn) -> Option<Node> {
    let ping = Node::new("iq")
        .attr("id", "drain")
        .attr("xmlns", "w:p")
        .attr("type", "get")
        .attr("to", Jid::server_only(wazap::binary::Server::Pn));
    conn.send(&ping).await;
    loop {
        let node = conn.recv().await;
        match node.tag.as_ref() {
            "message" => return Some(node),
            "iq" if node.attr_str("id") == Some("drain") => return None,
            _ => {}
        }
    }
}

fn ack_of(message: &Node) -> Node {
    Node::new("ack")
        .attr("class", "message")
        .attr("id", message.attr_str("id").unwrap().to_owned())
        .attr("to", message.req_jid("from").unwrap())
}

#[tokio::test]
async fn stanzas_stay_queued_until_the_client_acks_them() {
    let sandbox = start().await;
    create_account(&sandbox, "15550400000", "Alice").await;
    create_account(&sandbox, "15550500000", "Bob").await;
    let alice = pair_new_device(&sandbox, "15550400000").await;
    let bob = pair_new_device(&sandbox, "15550500000").await;
    let (mut a, _) = login(&sandbox, &alice).await;
    let bob_user = Jid::pn("15550500000");
    let to_bob =
        |id: &str| message(id, bob_user.clone(), None, vec![(bob_user.clone().with_device(1), 1)]);

    a.send(&to_bob("Q1")).await;
    ack_for(&mut a, "Q1").await;
    // Bob gets Q1 from his queue and drops the connection without acking it.
    let (mut b, _) = login(&sandbox, &bob).await;
    assert_eq!(b.recv_tag("message").await.attr_str("id"), Some("Q1"));
    drop(b);

    // It comes again at the next login; so does a live message he does not ack either.
    let (mut b, _) = login(&sandbox, &bob).await;
    // (From the queue, or live if the server notices the old connection closed only now.)
    let q1 = b.recv_tag("message").await;
    assert_eq!(q1.attr_str("id"), Some("Q1"));
    a.send(&to_bob("Q2")).await;
    ack_for(&mut a, "Q2").await;
    let q2 = b.recv_tag("message").await;
    assert_eq!(q2.attr_str("id"), Some("Q2"));
    // Bob acks Q1 only, then leaves.
    b.send(&ack_of(&q1)).await;
    assert!(next_message_before_ping(&mut b).await.is_none());
    drop(b);

    // Only Q2 is left; once acked, nothing is.
    let (mut b, _) = login(&sandbox, &bob).await;
    let again = b.recv_tag("message").await;
    assert_eq!(again.attr_str("id"), Some("Q2"));
    assert!(next_message_before_ping(&mut b).await.is_none(), "Q1 was acked");
    b.send(&ack_of(&again)).await;
    assert!(next_message_before_ping(&mut b).await.is_none());
    drop(b);
    let (mut b, _) = login(&sandbox, &bob).await;
    assert!(next_message_before_ping(&mut b).await.is_none(), "everything was acked");
}

/// `<receipt id to [type]>` for a received message, as WhatsApp Web and Baileys 7 send it
/// (no `<ack>`).
fn receipt_of(message: &Node, kind: Option<&'static str>) -> Node {
    Node::new("receipt")
        .attr("id", message.attr_str("id").unwrap().to_owned())
        .attr("to", message.req_jid("from").unwrap().to_non_ad())
        .opt_attr("type", kind)
}

#[tokio::test]
async fn a_delivery_receipt_settles_a_message_as_an_ack_does() {
    let sandbox = start().await;
    create_account(&sandbox, "15550410000", "Alice").await;
    create_account(&sandbox, "15550510000", "Bob").await;
    let alice = pair_new_device(&sandbox, "15550410000").await;
    let bob = pair_new_device(&sandbox, "15550510000").await;
    let (mut a, _) = login(&sandbox, &alice).await;
    let bob_user = Jid::pn("15550510000");
    let to_bob =
        |id: &str| message(id, bob_user.clone(), None, vec![(bob_user.clone().with_device(1), 1)]);
    for id in ["R1", "R2", "R3"] {
        a.send(&to_bob(id)).await;
        ack_for(&mut a, id).await;
    }

    let (mut b, _) = login(&sandbox, &bob).await;
    let r1 = b.recv_tag("message").await;
    let r2 = b.recv_tag("message").await;
    let r3 = b.recv_tag("message").await;
    // R1 delivered (no type), R2 received while inactive, both named as Baileys names them
    // (the chat, without the sender's device): both settled. R3 gets no receipt: it stays in
    // flight.
    b.send(&receipt_of(&r1, None)).await;
    b.send(&receipt_of(&r2, Some("inactive"))).await;
    assert_eq!(r3.attr_str("id"), Some("R3"));
    assert!(next_message_before_ping(&mut b).await.is_none());
    drop(b);

    let (mut b, _) = login(&sandbox, &bob).await;
    let again = b.recv_tag("message").await;
    assert_eq!(again.attr_str("id"), Some("R3"));
    assert!(next_message_before_ping(&mut b).await.is_none(), "R1 and R2 were settled");
}

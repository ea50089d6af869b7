//! Messaging end to end: companions of several accounts exchange texts, replies, reactions,
//! receipts and chat states through the in-process sandbox; groups reach every device; lost
//! sessions recover by retry receipts; a burst arrives once and in order; tampered ciphertext
//! is reported and does not break the session.
use std::time::Duration;

use futures_util::future::join_all;
use wazap::binary::Jid;
use wazap::client::{ChatState, ChatStateMedia, Presence};
use wazap::message::{reply, QuotedMessage};
use wazap::store::DeviceStore;
use wazap::types::{MessageContent, MessageInfo};
use wazap::Event;
use wazap_e2e::{
    bounded, create_account, http, link_companion, next_message, sandbox, wait_for, wait_for_inbox,
    Companion,
};

/// The next message event whose text is `text`.
async fn message_with_text(c: &mut Companion, text: &str) -> (MessageInfo, MessageContent) {
    match wait_for(
        &mut c.events,
        |e| matches!(e, Event::Message { message, .. } if message.text() == Some(text)),
    )
    .await
    {
        Event::Message { info, message } => (*info, *message),
        _ => unreachable!(),
    }
}

fn pn(phone: &str) -> Jid {
    Jid::pn(phone.to_owned())
}

#[tokio::test]
async fn texts_replies_receipts_and_reactions_between_two_accounts() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550010001", "15550010002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let mut a1 = link_companion(&sandbox, a).await;
    let mut a2 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;

    let sent = bounded(a1.client.send_text(pn(b), "hello B")).await.expect("send");
    assert!(sent.id.starts_with("3EB0") && sent.id.len() == 22, "{}", sent.id);
    assert!(sent.timestamp > 0);

    let (info, content) = next_message(&mut b1.events).await;
    assert_eq!(info.id, sent.id);
    assert_eq!(info.chat, pn(a));
    assert_eq!(info.sender.user, a);
    assert_eq!(info.sender.device, a1.jid.device);
    assert!(info.sender_alt.as_ref().is_some_and(Jid::is_lid), "{info:?}");
    assert!(!info.is_from_me && !info.is_group);
    assert_eq!(info.push_name.as_deref(), Some("E2E"));
    assert_eq!(info.timestamp, sent.timestamp);
    assert_eq!(content.kind(), "text");
    assert_eq!(content.text(), Some("hello B"));

    // A's other companion sees what A sent, in the chat with B.
    let (own, own_content) = next_message(&mut a2.events).await;
    assert_eq!(own.id, sent.id);
    assert!(own.is_from_me);
    assert_eq!(own.chat, pn(b));
    assert_eq!(own_content.text(), Some("hello B"));
    assert!(own_content.flags.device_sent.is_some());

    // B's companion is not "available", so (as the real client) its delivery receipt is
    // `inactive`; A's second companion confirms its copy with a `sender` receipt.
    let mut seen = (false, false);
    while seen != (true, true) {
        if let Event::Receipt { receipt_type, ids, chat, sender, sender_alt, .. } =
            wait_for(&mut a1.events, |e| matches!(e, Event::Receipt { .. })).await
        {
            if !ids.contains(&sent.id) {
                continue;
            }
            if receipt_type == "inactive" && chat == pn(b) && sender.as_ref() == Some(&b1.jid) {
                // The receipt carries the sender's other identity: B's companion by LID.
                assert!(
                    sender_alt
                        .as_ref()
                        .is_some_and(|alt| alt.is_lid() && alt.device == b1.jid.device),
                    "{sender_alt:?}"
                );
                seen.0 = true;
            }
            if receipt_type == "sender" && sender.as_ref() == Some(&a2.jid) {
                seen.1 = true;
            }
            assert!(
                !(receipt_type == "delivered" && sender.as_ref() == Some(&b1.jid)),
                "an unavailable companion sent an active receipt"
            );
        }
    }
    // Once available, B's delivery receipts are plain `delivered`.
    bounded(b1.client.send_presence(Presence::Available)).await.unwrap();
    let active = bounded(a1.client.send_text(pn(b), "you are here")).await.unwrap();
    message_with_text(&mut b1, "you are here").await;
    wait_for(&mut a1.events, |e| {
        matches!(e, Event::Receipt { receipt_type, ids, sender, .. }
            if receipt_type == "delivered" && ids.contains(&active.id)
                && sender.as_ref() == Some(&b1.jid))
    })
    .await;

    // B replies, quoting.
    let quoted_message = wazap::message::text("hello B");
    let quoted = QuotedMessage { id: &sent.id, sender: &pn(a), message: &quoted_message };
    let answer = reply("hi A", Some(&quoted), &[pn(a)]);
    let replied = bounded(b1.client.send_message(pn(a), answer)).await.expect("reply");
    for device in [&mut a1, &mut a2] {
        let (info, content) = message_with_text(device, "hi A").await;
        assert_eq!(info.id, replied.id);
        assert_eq!(info.chat, pn(b));
        assert_eq!(content.reply_to(), Some(sent.id.as_str()));
        assert_eq!(content.mentions(), [pn(a).to_string()]);
    }

    // Read receipts reach the sender.
    bounded(b1.client.mark_read(std::slice::from_ref(&sent.id), pn(a), None)).await.unwrap();
    wait_for(&mut a1.events, |e| {
        matches!(e, Event::Receipt { receipt_type, ids, .. }
            if receipt_type == "read" && ids.contains(&sent.id))
    })
    .await;

    // Reactions: to B's message, to our own, and removing one.
    bounded(a1.client.send_reaction(pn(b), pn(b), &replied.id, false, "👍")).await.unwrap();
    bounded(a1.client.send_reaction(pn(b), pn(a), &sent.id, true, "❤")).await.unwrap();
    bounded(a1.client.send_reaction(pn(b), pn(b), &replied.id, false, "")).await.unwrap();
    let mut reactions = Vec::new();
    while reactions.len() < 3 {
        let (_, content) = next_message(&mut b1.events).await;
        if content.kind() == "reaction" {
            reactions.push(content.reaction().expect("reaction"));
        }
    }
    assert_eq!(
        (reactions[0].id.as_str(), reactions[0].emoji.as_str()),
        (replied.id.as_str(), "👍")
    );
    assert!(!reactions[0].from_me);
    assert_eq!((reactions[1].id.as_str(), reactions[1].emoji.as_str()), (sent.id.as_str(), "❤"));
    assert!(reactions[1].from_me);
    assert_eq!(reactions[2].emoji, "");
}

#[tokio::test]
async fn caller_supplied_ids_and_lid_addressing() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550011001", "15550011002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let b_lid = b1.client.lid().expect("lid").to_non_ad();
    let sent = bounded(a1.client.send_message_with_id(
        b_lid.clone(),
        wazap::message::text("by lid"),
        Some("CUSTOMID1".into()),
    ))
    .await
    .expect("send");
    assert_eq!(sent.id, "CUSTOMID1");
    let (info, content) = next_message(&mut b1.events).await;
    assert_eq!(info.id, "CUSTOMID1");
    assert_eq!(content.text(), Some("by lid"));
    assert!(info.sender.is_lid() || info.sender_alt.as_ref().is_some_and(Jid::is_lid));
}

async fn create_group(
    sandbox: &wazap_sandbox::SandboxHandle,
    creator: &str,
    others: &[&str],
) -> Jid {
    let body = serde_json::json!({ "creator": creator, "subject": "Team", "participants": others });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/groups", Some(&body)).await;
    assert_eq!(status, 201, "group: {value}");
    value["jid"].as_str().expect("jid").parse().expect("group jid")
}

#[tokio::test]
async fn every_group_device_receives_every_message_and_a_later_device_gets_the_key() {
    let sandbox = sandbox().await;
    let phones = ["15550012001", "15550012002", "15550012003"];
    for phone in phones {
        create_account(&sandbox, phone).await;
    }
    let mut devices = Vec::new();
    for phone in phones {
        devices.push(link_companion(&sandbox, phone).await);
        devices.push(link_companion(&sandbox, phone).await);
    }
    let group = create_group(&sandbox, phones[0], &phones[1..]).await;

    for sender in 0..devices.len() {
        let text = format!("from device {sender}");
        let sent = bounded(devices[sender].client.send_text(group.clone(), &text)).await.unwrap();
        for (i, receiver) in devices.iter_mut().enumerate() {
            if i == sender {
                continue;
            }
            let (info, content) = message_with_text(receiver, &text).await;
            assert_eq!(info.id, sent.id);
            assert_eq!(info.chat, group);
            assert!(info.is_group);
            assert_eq!(info.sender.user, phones[sender / 2]);
            assert_eq!(info.is_from_me, sender / 2 == i / 2);
            assert_eq!(content.text(), Some(text.as_str()));
        }
    }

    // A device linked after the sender key went out still gets the next messages.
    let mut late = link_companion(&sandbox, phones[2]).await;
    let sent = bounded(devices[0].client.send_text(group.clone(), "after linking")).await.unwrap();
    let (info, _) = message_with_text(&mut late, "after linking").await;
    assert_eq!(info.id, sent.id);
    let again = bounded(devices[0].client.send_text(group.clone(), "and again")).await.unwrap();
    let (info, _) = message_with_text(&mut late, "and again").await;
    assert_eq!(info.id, again.id);
}

#[tokio::test]
async fn a_lost_session_is_recovered_by_a_retry_receipt() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550013001", "15550013002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let mut a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    bounded(a1.client.send_text(pn(b), "first")).await.unwrap();
    message_with_text(&mut b1, "first").await;
    bounded(b1.client.send_text(pn(a), "ack")).await.unwrap();
    message_with_text(&mut a1, "ack").await;

    // B loses every session it has (as after restoring an old backup).
    let device = b1.store.load_device().unwrap().unwrap();
    let signal = b1.store.signal_store(&device).unwrap();
    let a_lid = a1.client.lid().expect("lid");
    let address = wazap::message::protocol_address(&a_lid);
    signal.delete_session(&address).unwrap();

    let sent = bounded(a1.client.send_text(pn(b), "after the loss")).await.unwrap();
    let undecryptable = wait_for(&mut b1.events, |e| {
        matches!(e, Event::UndecryptableMessage { .. } | Event::Message { .. })
    })
    .await;
    assert!(
        matches!(&undecryptable, Event::UndecryptableMessage { info, unavailable: false, .. } if info.id == sent.id),
        "{undecryptable:?}"
    );
    let (info, _) = message_with_text(&mut b1, "after the loss").await;
    assert_eq!(info.id, sent.id);
    // The new session works both ways.
    bounded(a1.client.send_text(pn(b), "still fine")).await.unwrap();
    message_with_text(&mut b1, "still fine").await;
    bounded(b1.client.send_text(pn(a), "me too")).await.unwrap();
    message_with_text(&mut a1, "me too").await;
}

#[tokio::test]
async fn a_burst_of_1000_messages_arrives_once_and_in_order() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550014001", "15550014002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    const N: usize = 1000;
    let sends = (0..N).map(|i| a1.client.send_text(pn(b), &format!("burst {i}")));
    let results = tokio::time::timeout(Duration::from_secs(120), join_all(sends)).await.unwrap();
    let ids: Vec<String> = results.into_iter().map(|r| r.expect("sent").id).collect();
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(120), async {
        while received.len() < N {
            let (info, content) = next_message(&mut b1.events).await;
            received.push((info.id, content.text().unwrap_or_default().to_owned()));
        }
    })
    .await
    .expect("all messages in time");
    for (i, (id, text)) in received.iter().enumerate() {
        assert_eq!(id, &ids[i]);
        assert_eq!(text, &format!("burst {i}"));
    }
    // Nothing arrives twice: a marker sent afterwards is the very next message.
    bounded(a1.client.send_text(pn(b), "end")).await.unwrap();
    let (_, content) = next_message(&mut b1.events).await;
    assert_eq!(content.text(), Some("end"));
}

#[tokio::test]
async fn tampered_ciphertext_is_reported_and_the_session_survives() {
    use wazap::binary::Node;
    use wazap::message::{encrypt_for_device, OutgoingDevice};
    let sandbox = sandbox().await;
    let (a, b) = ("15550015001", "15550015002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    bounded(a1.client.send_text(pn(b), "before")).await.unwrap();
    message_with_text(&mut b1, "before").await;
    // B answers, so A's next messages are plain `msg`s whose last 8 bytes are the MAC.
    let mut a1 = a1;
    bounded(b1.client.send_text(pn(a), "reply")).await.unwrap();
    message_with_text(&mut a1, "reply").await;

    // A's device encrypts for B's companion with the real session, then flips a MAC byte.
    let device = a1.store.load_device().unwrap().unwrap();
    let signal = a1.store.signal_store(&device).unwrap();
    let target =
        OutgoingDevice::new(b1.jid.clone()).with_encryption_jid(b1.client.lid().expect("lid"));
    let plaintext = prost::Message::encode_to_vec(&wazap::message::text("tampered"));
    let (mut enc, is_pre_key) = encrypt_for_device(&*signal, &target, &plaintext, &[]).unwrap();
    assert!(!is_pre_key);
    let mut bytes = enc.content_bytes().unwrap().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    enc = Node::new("enc")
        .attr("v", "2")
        .attr("type", enc.attr_str("type").unwrap().to_owned())
        .bytes(bytes);
    let stanza = Node::new("message")
        .attr("id", "3EB0TAMPERED000000000000")
        .attr("to", pn(b))
        .attr("type", "text")
        .child(
            Node::new("participants").child(Node::new("to").attr("jid", b1.jid.clone()).child(enc)),
        );
    bounded(a1.client.send_node(stanza)).await.unwrap();
    let event = wait_for(&mut b1.events, |e| {
        matches!(e, Event::UndecryptableMessage { .. } | Event::Message { .. })
    })
    .await;
    assert!(
        matches!(&event, Event::UndecryptableMessage { info, .. } if info.id == "3EB0TAMPERED000000000000"),
        "{event:?}"
    );
    bounded(a1.client.send_text(pn(b), "after")).await.unwrap();
    let (_, content) = next_message(&mut b1.events).await;
    assert_eq!(content.text(), Some("after"));
}

#[tokio::test]
async fn presence_and_chat_states_are_relayed() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550016001", "15550016002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    bounded(b1.client.subscribe_presence(pn(a))).await.unwrap();
    bounded(a1.client.send_presence(Presence::Available)).await.unwrap();
    wait_for(
        &mut b1.events,
        |e| matches!(e, Event::Presence { from, available: true, .. } if from.user == a),
    )
    .await;
    bounded(a1.client.send_chat_presence(pn(b), ChatState::Composing, ChatStateMedia::Audio))
        .await
        .unwrap();
    wait_for(&mut b1.events, |e| {
        matches!(e, Event::ChatPresence { chat, state, media, .. }
            if chat.user == a && state == "composing" && *media == Some(wazap::types::ChatStateMedia::Audio))
    })
    .await;
    bounded(a1.client.send_chat_presence(pn(b), ChatState::Paused, ChatStateMedia::Text))
        .await
        .unwrap();
    wait_for(
        &mut b1.events,
        |e| matches!(e, Event::ChatPresence { state, .. } if state == "paused"),
    )
    .await;
    bounded(a1.client.send_presence(Presence::Unavailable)).await.unwrap();
    wait_for(
        &mut b1.events,
        |e| matches!(e, Event::Presence { from, available: false, .. } if from.user == a),
    )
    .await;
}

#[tokio::test]
async fn both_phones_see_what_the_companions_send() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550018001", "15550018002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;

    let sent = bounded(a1.client.send_text(pn(b), "for both phones")).await.unwrap();
    message_with_text(&mut b1, "for both phones").await;
    // B's phone decrypted it, in the chat with A.
    let entry = wait_for_inbox(&sandbox, b, |e| e["id"] == sent.id.as_str()).await;
    assert_eq!(entry["text"], "for both phones");
    assert_eq!(entry["chat"], pn(a).to_string());
    assert_eq!(entry["kind"], "text");
    // A's phone got the DeviceSentMessage copy: in the chat with B, from A's companion.
    let entry = wait_for_inbox(&sandbox, a, |e| e["id"] == sent.id.as_str()).await;
    assert_eq!(entry["text"], "for both phones");
    assert_eq!(entry["chat"], pn(b).to_string());
    assert_eq!(entry["sender"], a1.jid.to_string());

    // And the other way round.
    let reply = bounded(b1.client.send_text(pn(a), "phones agree")).await.unwrap();
    let entry = wait_for_inbox(&sandbox, a, |e| e["id"] == reply.id.as_str()).await;
    assert_eq!(entry["text"], "phones agree");
    assert_eq!(entry["chat"], pn(b).to_string());
    let entry = wait_for_inbox(&sandbox, b, |e| e["id"] == reply.id.as_str()).await;
    assert_eq!(entry["chat"], pn(a).to_string());
    assert_eq!(entry["sender"], b1.jid.to_string());
}

#[tokio::test]
async fn an_offline_device_gets_queued_messages_once_when_it_reconnects() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550019001", "15550019002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let mut b2 = link_companion(&sandbox, b).await;

    bounded(b2.client.disconnect()).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let text = format!("queued {i}");
        ids.push(bounded(a1.client.send_text(pn(b), &text)).await.unwrap().id);
        // The online device gets them live.
        message_with_text(&mut b1, &text).await;
    }
    bounded(b2.client.connect()).await.expect("reconnect");
    for (i, id) in ids.iter().enumerate() {
        let (info, content) = next_message(&mut b2.events).await;
        assert_eq!(&info.id, id);
        assert_eq!(content.text(), Some(format!("queued {i}").as_str()));
    }
    // Reconnecting again redelivers nothing: the next message is the marker.
    bounded(b2.client.disconnect()).await;
    bounded(b2.client.connect()).await.expect("reconnect");
    wait_for(&mut b2.events, |e| *e == Event::Connected).await;
    let marker = bounded(a1.client.send_text(pn(b), "marker")).await.unwrap();
    let (info, content) = next_message(&mut b2.events).await;
    assert_eq!(info.id, marker.id);
    assert_eq!(content.text(), Some("marker"));
}

#[tokio::test]
async fn a_changed_identity_key_is_reported_and_a_new_session_built() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550020001", "15550020002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let mut a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    bounded(a1.client.send_text(pn(b), "hi")).await.unwrap();
    message_with_text(&mut b1, "hi").await;
    bounded(b1.client.send_text(pn(a), "hey")).await.unwrap();
    message_with_text(&mut a1, "hey").await;

    // From A's side B's companion now presents another identity key than the one A trusted
    // (as after a reinstall): A's stored key is replaced by a stranger's, and B starts over
    // with a new session.
    let b_device_lid = b1.client.lid().expect("lid");
    let b_address = wazap::message::protocol_address(&b_device_lid);
    let a_device = a1.store.load_device().unwrap().unwrap();
    let a_signal = a1.store.signal_store(&a_device).unwrap();
    let stranger = wazap::crypto::KeyPair::from_private([7; 32]).public;
    a_signal.save_identity(&b_address, &stranger).unwrap();
    let b_device = b1.store.load_device().unwrap().unwrap();
    let b_signal = b1.store.signal_store(&b_device).unwrap();
    b_signal
        .delete_session(&wazap::message::protocol_address(&a1.client.lid().expect("lid")))
        .unwrap();

    let sent = bounded(b1.client.send_text(pn(a), "new keys")).await.unwrap();
    let event = wait_for(&mut a1.events, |e| {
        matches!(e, Event::IdentityChange { .. } | Event::Message { .. })
    })
    .await;
    match event {
        Event::IdentityChange { jid, jid_alt, implicit, timestamp } => {
            assert_eq!(jid, b_device_lid);
            assert_eq!(jid_alt, Some(b1.jid.clone()));
            assert!(implicit);
            assert!(timestamp > 0);
        }
        other => panic!("expected an identity change first, got {other:?}"),
    }
    let (info, _) = message_with_text(&mut a1, "new keys").await;
    assert_eq!(info.id, sent.id);
    assert_eq!(a_signal.get_identity(&b_address).unwrap(), Some(b_device.identity_key.public));
    // The new session works both ways.
    bounded(a1.client.send_text(pn(b), "welcome back")).await.unwrap();
    message_with_text(&mut b1, "welcome back").await;
}

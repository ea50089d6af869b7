//! A contact reinstalls WhatsApp: the server announces the new identity
//! (`<notification type="encrypt"><identity/>`), the client forgets that user's sessions and
//! keys and reports it, and messages flow both ways again on new sessions.
use wazap::binary::Jid;
use wazap::message::protocol_address;
use wazap::store::DeviceStore;
use wazap::Event;
use wazap_e2e::{
    bounded, create_account, http, link_companion, sandbox, wait_for, wait_for_inbox, Companion,
};

async fn text_from(c: &mut Companion, text: &str) {
    wait_for(
        &mut c.events,
        |e| matches!(e, Event::Message { message, .. } if message.text() == Some(text)),
    )
    .await;
}

#[tokio::test]
async fn a_reinstalled_contact_is_announced_and_reachable_again() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550040001", "15550040002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let mut a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let b_pn = Jid::pn(b.to_owned());
    // Sessions with B's phone and companion, both ways.
    bounded(a1.client.send_text(b_pn.clone(), "before")).await.unwrap();
    text_from(&mut b1, "before").await;
    wait_for_inbox(&sandbox, b, |e| e["text"] == "before").await;
    let body = serde_json::json!({ "from": b, "to": a, "text": "phone before" });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "{value}");
    text_from(&mut a1, "phone before").await;

    let b_lid = a1.client.lid_for_pn(&b_pn).expect("B's LID is known");
    let a_device = a1.store.load_device().unwrap().unwrap();
    let signal = a1.store.signal_store(&a_device).unwrap();
    let b_phone_address = protocol_address(&b_lid.clone().with_device(0));
    assert!(signal.load_session(&b_phone_address).unwrap().is_some());
    assert!(signal.get_identity(&b_phone_address).unwrap().is_some());

    let body = serde_json::json!({ "phone": b });
    let (status, value) =
        http(sandbox.local_addr(), "POST", "/control/reinstall", Some(&body)).await;
    assert_eq!(status, 200, "{value}");
    assert_eq!(value["removed_devices"], serde_json::json!([b1.jid.device]));
    // B's companion was unlinked with the old phone.
    wait_for(&mut b1.events, |e| matches!(e, Event::LoggedOut { .. })).await;

    // A hears of it from the server, with both of B's identities.
    let event = wait_for(&mut a1.events, |e| matches!(e, Event::IdentityChange { .. })).await;
    let Event::IdentityChange { jid, jid_alt, implicit, timestamp } = event else { unreachable!() };
    assert_eq!((jid, jid_alt), (b_pn.clone(), Some(b_lid.clone())));
    assert!(!implicit);
    assert!(timestamp > 0);
    assert!(signal.load_session(&b_phone_address).unwrap().is_none());
    assert!(signal.get_identity(&b_phone_address).unwrap().is_none());

    // A writes to the new phone: a new session from its new bundle, which it can decrypt.
    bounded(a1.client.send_text(b_pn.clone(), "welcome back")).await.unwrap();
    wait_for_inbox(&sandbox, b, |e| e["text"] == "welcome back").await;
    // And the new phone writes to A: the new key is trusted at first sight, no second report.
    let body = serde_json::json!({ "from": b, "to": a, "text": "new phone, who dis" });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "{value}");
    let next = wait_for(&mut a1.events, |e| {
        matches!(e, Event::IdentityChange { .. })
            || matches!(e, Event::Message { message, .. } if message.text().is_some())
    })
    .await;
    match next {
        Event::Message { message, info } => {
            assert_eq!(message.text(), Some("new phone, who dis"));
            assert_eq!(info.sender.to_non_ad(), b_pn);
        }
        other => panic!("expected the phone's text, got {other:?}"),
    }
}

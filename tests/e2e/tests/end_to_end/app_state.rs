//! App state against the sandbox's phones: the phone's contacts arrive with the first sync,
//! its mute/pin/archive arrive as events and in the store, our archive reaches a second
//! companion and the phone, and patches broken on purpose (a flipped patch MAC, a key id
//! nobody has, a key the phone had not shared) are recovered from without a logout.
use serde_json::{json, Value};
use wazap::appstate::Change;
use wazap::binary::Jid;
use wazap::client::Events;
use wazap::types::AppStateRecovery;
use wazap::Event;
use wazap_e2e::{
    bounded, config, connected_and_welcomed, create_account, http, next_qr, scan_qr, wait_for,
    Companion,
};
use wazap_sandbox::SandboxHandle;

/// A linked companion with a second subscription made before it connected, so that nothing
/// the first sync emits while linking is missed.
async fn link(sandbox: &SandboxHandle, phone: &str) -> (Companion, Events) {
    let store = std::sync::Arc::new(wazap::store::MemoryDeviceStore::new());
    let client = wazap::Client::new(store.clone(), config(sandbox));
    let mut events = client.events();
    let sync = client.events();
    bounded(client.connect()).await.expect("connect");
    let qr = next_qr(&mut events).await;
    scan_qr(sandbox.local_addr(), phone, &qr).await;
    wait_for(&mut events, |e| matches!(e, Event::PairSuccess { .. })).await;
    connected_and_welcomed(&mut events).await;
    let jid = client.jid().expect("paired");
    (Companion { client, events, jid, store }, sync)
}

/// The phone changes its app state (`POST /control/app-state`).
async fn phone_does(sandbox: &SandboxHandle, body: Value) -> Value {
    let (status, value) =
        http(sandbox.local_addr(), "POST", "/control/app-state", Some(&body)).await;
    assert_eq!(status, 200, "app-state {body}: {value}");
    value
}

async fn synced(events: &mut Events, collection: &str) {
    wait_for(
        events,
        |e| matches!(e, Event::AppStateSyncComplete { collection: c, .. } if c == collection),
    )
    .await;
}

/// The next app state change `pred` accepts.
async fn change(events: &mut Events, mut pred: impl FnMut(&Change) -> bool) -> Change {
    match wait_for(events, |e| matches!(e, Event::AppState(c) if pred(&c.change))).await {
        Event::AppState(c) => c.change,
        _ => unreachable!(),
    }
}

fn pn(number: &str) -> Jid {
    Jid::pn(number)
}

#[tokio::test]
async fn the_phones_contacts_and_chat_settings_reach_the_companion() {
    let sandbox = wazap_e2e::sandbox().await;
    let phone = "15550401001";
    create_account(&sandbox, phone).await;
    // Before linking: it must come with the first (full) sync.
    let contact = json!({"phone": phone, "action": "contact", "target": "15550401002",
        "full_name": "Bo Svensson", "first_name": "Bo"});
    phone_does(&sandbox, contact).await;

    let (a, mut sync) = link(&sandbox, phone).await;
    let bo = pn("15550401002");
    let got = change(&mut sync, |c| matches!(c, Change::Contact { .. })).await;
    assert_eq!(
        got,
        Change::Contact {
            jid: bo.clone(),
            full_name: Some("Bo Svensson".into()),
            first_name: Some("Bo".into()),
            lid: None
        }
    );
    synced(&mut sync, "critical_unblock_low").await;
    let contacts = a.client.contacts().await.unwrap();
    let stored = contacts.iter().find(|c| c.jid == bo).expect("the contact is stored");
    assert_eq!(stored.full_name.as_deref(), Some("Bo Svensson"));
    assert_eq!(stored.first_name.as_deref(), Some("Bo"));

    // The phone mutes, pins, then archives the chat (which unpins it).
    let until = 1_900_000_000_000_i64;
    phone_does(
        &sandbox,
        json!({"phone": phone, "action": "mute", "target": "15550401002",
        "until": until}),
    )
    .await;
    let got = change(&mut sync, |c| matches!(c, Change::Mute { .. })).await;
    assert_eq!(got, Change::Mute { chat: bo.clone(), muted: true, until_ms: Some(until) });
    assert_eq!(a.client.chat_setting(&bo).await.unwrap().muted_until_ms, Some(until));

    phone_does(&sandbox, json!({"phone": phone, "action": "pin", "target": "15550401002"})).await;
    let got = change(&mut sync, |c| matches!(c, Change::Pin { .. })).await;
    assert_eq!(got, Change::Pin { chat: bo.clone(), pinned: true });
    assert!(a.client.chat_setting(&bo).await.unwrap().pinned);

    phone_does(&sandbox, json!({"phone": phone, "action": "archive", "target": "15550401002"}))
        .await;
    let got = change(&mut sync, |c| matches!(c, Change::Archive { .. })).await;
    assert_eq!(got, Change::Archive { chat: bo.clone(), archived: true });
    synced(&mut sync, "regular_low").await;
    let settings = a.client.chat_setting(&bo).await.unwrap();
    assert!(settings.archived && !settings.pinned, "{settings:?}");
    assert_eq!(settings.muted_until_ms, Some(until));
    assert!(a.client.is_logged_in());
}

#[tokio::test]
async fn our_archive_reaches_the_other_companion_and_the_phone() {
    let sandbox = wazap_e2e::sandbox().await;
    let phone = "15550402001";
    create_account(&sandbox, phone).await;
    let (a, mut a_sync) = link(&sandbox, phone).await;
    synced(&mut a_sync, "regular_low").await;
    let (b, mut b_sync) = link(&sandbox, phone).await;
    synced(&mut b_sync, "regular_low").await;

    let chat = pn("15550402002");
    a.client.archive_chat(&chat, true).await.expect("archive");
    assert!(a.client.chat_setting(&chat).await.unwrap().archived, "applied locally");
    let got = change(&mut b_sync, |c| matches!(c, Change::Archive { .. })).await;
    assert_eq!(got, Change::Archive { chat: chat.clone(), archived: true });
    synced(&mut b_sync, "regular_low").await;
    assert!(b.client.chat_setting(&chat).await.unwrap().archived);

    // The phone reads it from the server's log.
    let (status, view) =
        http(sandbox.local_addr(), "GET", &format!("/control/app-state?phone={phone}"), None).await;
    assert_eq!(status, 200, "{view}");
    let low = view.as_array().unwrap().iter().find(|c| c["name"] == "regular_low").unwrap();
    let archived =
        low["changes"].as_array().unwrap().iter().any(|c| {
            c["kind"] == "archive" && c["chat"] == chat.to_string() && c["archived"] == true
        });
    assert!(archived, "{view}");

    // A contact we add lands on the other companion too; both stay consistent after a
    // second change on the same collection from B (A's state must still verify).
    a.client.set_contact(&pn("15550402003"), "Cy Cole", Some("Cy")).await.expect("contact");
    let got = change(&mut b_sync, |c| matches!(c, Change::Contact { .. })).await;
    assert!(matches!(got, Change::Contact { full_name: Some(n), .. } if n == "Cy Cole"));
    b.client.archive_chat(&chat, false).await.expect("unarchive");
    let got = change(&mut a_sync, |c| matches!(c, Change::Archive { archived: false, .. })).await;
    assert_eq!(got, Change::Archive { chat: chat.clone(), archived: false });
    assert!(!a.client.chat_setting(&chat).await.unwrap().archived);
}

/// The first sync error about `collection`, then the change `pred` accepts once recovered.
async fn recovers(
    sync: &mut Events,
    collection: &str,
    recovery: AppStateRecovery,
    pred: impl FnMut(&Change) -> bool,
) {
    let error = wait_for(sync, |e| matches!(e, Event::AppStateSyncError { .. })).await;
    assert!(
        matches!(&error, Event::AppStateSyncError { collection: c, recovery: r, .. }
            if c == collection && *r == recovery),
        "{error:?}"
    );
    change(sync, pred).await;
    synced(sync, collection).await;
}

#[tokio::test]
async fn broken_patches_and_missing_keys_recover_without_logout() {
    let sandbox = wazap_e2e::sandbox().await;
    let phone = "15550403001";
    create_account(&sandbox, phone).await;
    let (a, mut sync) = link(&sandbox, phone).await;
    synced(&mut sync, "regular_low").await;
    // Clean patches first: the collections are past version 0, so what follows comes as
    // patches (a collection at version 0 is fetched as a snapshot).
    let zero = pn("15550403009");
    for action in ["mute", "pin"] {
        phone_does(&sandbox, json!({"phone": phone, "action": action, "target": "15550403009"}))
            .await;
    }
    // The two collections sync apart: their changes come in either order.
    let (mut muted, mut pinned) = (false, false);
    while !(muted && pinned) {
        match change(
            &mut sync,
            |c| matches!(c, Change::Mute { chat, .. } | Change::Pin { chat, .. } if *chat == zero),
        )
        .await
        {
            Change::Mute { .. } => muted = true,
            _ => pinned = true,
        }
    }

    // A flipped patch MAC: the snapshot is fetched again and holds the mute.
    phone_does(
        &sandbox,
        json!({"phone": phone, "action": "mute", "target": "15550403002",
        "fault": "patch_mac"}),
    )
    .await;
    let first = pn("15550403002");
    recovers(
        &mut sync,
        "regular_high",
        AppStateRecovery::SnapshotRefetched,
        |c| matches!(c, Change::Mute { chat, muted: true, .. } if *chat == first),
    )
    .await;
    assert!(a.client.chat_setting(&first).await.unwrap().muted_until_ms.is_some());

    // A key id nobody has: asked of the phone, which has none; then the snapshot.
    phone_does(
        &sandbox,
        json!({"phone": phone, "action": "pin", "target": "15550403003",
        "fault": "key_id"}),
    )
    .await;
    let second = pn("15550403003");
    recovers(
        &mut sync,
        "regular_low",
        AppStateRecovery::KeyRequested,
        |c| matches!(c, Change::Pin { chat, pinned: true } if *chat == second),
    )
    .await;
    assert!(a.client.chat_setting(&second).await.unwrap().pinned);

    // A new key the phone had not shared: asked for, shared, and the patch applies.
    phone_does(
        &sandbox,
        json!({"phone": phone, "action": "archive", "target": "15550403004",
        "fault": "new_key"}),
    )
    .await;
    let third = pn("15550403004");
    recovers(
        &mut sync,
        "regular_low",
        AppStateRecovery::KeyRequested,
        |c| matches!(c, Change::Archive { chat, archived: true } if *chat == third),
    )
    .await;
    assert!(a.client.chat_setting(&third).await.unwrap().archived);

    // Still logged in, and our own patches are made with the new key and accepted.
    assert!(a.client.is_logged_in());
    a.client.pin_chat(&first, true).await.expect("pin after recovery");
    assert!(a.client.chat_setting(&first).await.unwrap().pinned);
    let mut events = a.events;
    assert!(
        !std::iter::from_fn(|| events.try_recv()).any(|e| matches!(e, Event::LoggedOut { .. })),
        "no logout"
    );
}

#[tokio::test]
async fn a_senders_push_name_is_kept_in_the_contacts() {
    let sandbox = wazap_e2e::sandbox().await;
    let (alice, bob) = ("15550401101", "15550401102");
    create_account(&sandbox, alice).await;
    let body = json!({ "phone": bob, "push_name": "Bob the Builder" });
    let (status, value) =
        http(sandbox.local_addr(), "POST", "/control/accounts", Some(&body)).await;
    assert_eq!(status, 201, "{value}");
    let (mut a, _sync) = link(&sandbox, alice).await;

    let body = json!({ "from": bob, "to": alice, "text": "hello from Bob" });
    let (status, value) = http(sandbox.local_addr(), "POST", "/control/send", Some(&body)).await;
    assert_eq!(status, 200, "{value}");
    let got = wait_for(&mut a.events, |e| matches!(e, Event::Message { .. })).await;
    let Event::Message { info, .. } = got else { unreachable!() };
    assert_eq!(info.push_name.as_deref(), Some("Bob the Builder"));
    // Stored before the message was emitted (and acked).
    let contacts = a.client.contacts().await.unwrap();
    let stored = contacts.iter().find(|c| c.jid == pn(bob)).expect("Bob is in the contacts");
    assert_eq!(stored.push_name.as_deref(), Some("Bob the Builder"));
}

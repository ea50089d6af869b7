//! Users end to end: on-WhatsApp checks, user info (status, devices, LID, picture id) and
//! profile pictures, asked by a companion of one account about another through the sandbox.
use wazap::binary::Jid;
use wazap::types::{BlocklistChange, PrivacyCategory, PrivacySettings, PrivacyValue};
use wazap::{ClientError, Event};
use wazap_e2e::{bounded, create_account, link_companion, sandbox};

fn pn(phone: &str) -> Jid {
    Jid::pn(phone.to_owned())
}

/// What the sandbox gives every new account as its "about" text.
const DEFAULT_STATUS: &str = "Hey there! I am using WhatsApp.";

#[tokio::test]
async fn registered_and_unknown_numbers_are_told_apart() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550050001", "15550050002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;

    let unknown = "+1 555 005 0999";
    let results = bounded(a1.client.is_on_whatsapp(&[format!("+{b}").as_str(), unknown]))
        .await
        .expect("is on whatsapp");
    assert_eq!(results.len(), 2, "{results:?}");
    let known = results.iter().find(|r| r.query == format!("+{b}")).expect("B answered");
    assert!(known.is_in);
    assert_eq!(known.jid, pn(b));
    let lid = known.lid.clone().expect("B's LID");
    assert!(lid.is_lid());
    // The pair went into the client's LID map.
    assert_eq!(a1.client.lid_for_pn(&pn(b)), Some(lid));
    let stranger = results.iter().find(|r| r.query == "+15550050999").expect("unknown answered");
    assert!(!stranger.is_in);
    assert_eq!(stranger.jid, pn("15550050999"));
    assert_eq!(stranger.lid, None);

    let refused = bounded(a1.client.is_on_whatsapp(&["call me"])).await;
    assert!(matches!(refused, Err(ClientError::InvalidPhone(_))), "{refused:?}");
}

#[tokio::test]
async fn user_info_and_profile_pictures() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550051001", "15550051002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let b1 = link_companion(&sandbox, b).await;

    let info = bounded(a1.client.user_info(&[pn(b)])).await.expect("user info");
    let about_b = &info[&pn(b)];
    assert_eq!(about_b.status, DEFAULT_STATUS);
    assert_eq!(about_b.picture_id, None);
    // B's phone and B's linked companion.
    assert!(about_b.devices.contains(&pn(b)), "{about_b:?}");
    assert!(about_b.devices.contains(&b1.jid), "{about_b:?}");
    assert!(about_b.lid.as_ref().is_some_and(Jid::is_lid));
    assert_eq!(a1.client.lid_for_pn(&pn(b)), about_b.lid);

    // No picture yet: none, for the full picture and the preview.
    assert_eq!(bounded(a1.client.profile_picture(&pn(b), false)).await.expect("picture"), None);
    assert_eq!(bounded(a1.client.profile_picture(&pn(b), true)).await.expect("preview"), None);

    // B sets one.
    let jpeg: Vec<u8> =
        [0xFF, 0xD8, 0xFF, 0xE0].into_iter().chain((0..2000u32).map(|i| i as u8)).collect();
    let picture_id = bounded(b1.client.set_profile_picture(Some(jpeg.clone())))
        .await
        .expect("set picture")
        .expect("a new picture id");

    let picture = bounded(a1.client.profile_picture(&pn(b), false))
        .await
        .expect("picture")
        .expect("B has a picture now");
    assert_eq!(picture.id, picture_id);
    assert_eq!(picture.kind, "image");
    assert!(picture.url.starts_with(sandbox.media_url()), "{picture:?}");
    assert!(!picture.direct_path.is_empty() && picture.url.ends_with(&picture.direct_path));
    let preview = bounded(a1.client.profile_picture(&pn(b), true)).await.unwrap().unwrap();
    assert_eq!((preview.id.as_str(), preview.kind.as_str()), (picture_id.as_str(), "preview"));
    let info = bounded(a1.client.user_info(&[pn(b), pn(a)])).await.expect("user info");
    assert_eq!(info[&pn(b)].picture_id.as_deref(), Some(picture_id.as_str()));
    assert_eq!(info[&pn(a)].picture_id, None);
    assert!(info[&pn(a)].devices.contains(&a1.jid));

    // The picture is the very file B set.
    let http = reqwest::Client::new();
    let fetched = bounded(http.get(&picture.url).send()).await.expect("GET picture");
    assert_eq!(bounded(fetched.bytes()).await.expect("picture bytes").as_ref(), jpeg.as_slice());

    // A group has no picture until an admin sets one; removing it makes it none again.
    let group = bounded(b1.client.create_group("Pics", &[pn(a)])).await.expect("group").jid;
    assert_eq!(
        bounded(a1.client.profile_picture(&group, false)).await.expect("group picture"),
        None
    );
    let group_photo = bounded(b1.client.set_group_photo(&group, Some(jpeg))).await.unwrap();
    let seen = bounded(a1.client.profile_picture(&group, false)).await.unwrap();
    assert_eq!(seen.map(|p| p.id), group_photo, "the member sees the new group photo");
    assert_eq!(bounded(b1.client.set_group_photo(&group, None)).await.unwrap(), None);
    assert_eq!(bounded(a1.client.profile_picture(&group, false)).await.unwrap(), None);
    assert_eq!(bounded(b1.client.set_profile_picture(None)).await.unwrap(), None);
    assert_eq!(bounded(a1.client.profile_picture(&pn(b), false)).await.unwrap(), None);
}

#[tokio::test]
async fn a_blocked_user_is_listed_and_its_messages_do_not_arrive() {
    use wazap::types::BlocklistAction::{Block, Unblock};
    let sandbox = sandbox().await;
    let (a, b) = ("15550052001", "15550052002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let mut a1 = link_companion(&sandbox, a).await;
    let mut a2 = link_companion(&sandbox, a).await;
    assert!(bounded(a1.client.get_blocklist()).await.expect("blocklist").jids.is_empty());

    // Blocking B by phone number: the client finds B's LID (the server keeps users by LID).
    let list = bounded(a1.client.update_blocklist(&pn(b), Block)).await.expect("block");
    let b_lid = a1.client.lid_for_pn(&pn(b)).expect("B's LID, learnt on the way");
    assert_eq!(list.jids, std::slice::from_ref(&b_lid));
    assert!(!list.dhash.is_empty());
    assert_eq!(bounded(a1.client.get_blocklist()).await.expect("blocklist"), list);
    // A's other companion hears of it (account_sync), with the new list's hash.
    let event = wazap_e2e::wait_for(&mut a2.events, |e| matches!(e, Event::Blocklist { .. })).await;
    let Event::Blocklist { dhash, changes } = event else { unreachable!() };
    assert_eq!(dhash, list.dhash);
    assert_eq!(changes, [BlocklistChange { jid: b_lid.clone(), action: Block }]);

    // B's phone writes while blocked and after: only the second message reaches A.
    let addr = sandbox.local_addr();
    let send = |text: &str| {
        let body = serde_json::json!({ "from": b, "to": a, "text": text });
        async move {
            let (status, value) = wazap_e2e::http(addr, "POST", "/control/send", Some(&body)).await;
            assert_eq!(status, 200, "{value}");
            value["id"].as_str().expect("an id").to_owned()
        }
    };
    send("while blocked").await;
    // Unblocking by LID works as well.
    let list = bounded(a1.client.update_blocklist(&b_lid, Unblock)).await.expect("unblock");
    assert!(list.jids.is_empty(), "{list:?}");
    let id = send("after unblocking").await;
    let (info, content) = wazap_e2e::next_message(&mut a1.events).await;
    assert_eq!((info.id.as_str(), content.text()), (id.as_str(), Some("after unblocking")));
}

#[tokio::test]
async fn privacy_settings_are_read_set_and_reach_our_other_devices() {
    use PrivacyCategory::{LastSeen, ReadReceipts};
    let sandbox = sandbox().await;
    let a = "15550053001";
    create_account(&sandbox, a).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut a2 = link_companion(&sandbox, a).await;

    // A new account's defaults, every setting told.
    let settings = bounded(a1.client.privacy_settings()).await.expect("privacy settings");
    assert_eq!(settings.get(LastSeen), Some(PrivacyValue::All));
    assert_eq!(settings.get(ReadReceipts), Some(PrivacyValue::All));
    assert_eq!(settings.online, Some(PrivacyValue::All));

    let after = bounded(a1.client.set_privacy_setting(LastSeen, PrivacyValue::Contacts))
        .await
        .expect("set last seen");
    assert_eq!(after, PrivacySettings { last_seen: Some(PrivacyValue::Contacts), ..settings });
    assert_eq!(bounded(a2.client.privacy_settings()).await.expect("read again"), after);
    // The other companion is told what changed, and only that.
    let event =
        wazap_e2e::wait_for(&mut a2.events, |e| matches!(e, Event::PrivacySettings(_))).await;
    let Event::PrivacySettings(changed) = event else { unreachable!() };
    assert_eq!(
        *changed,
        PrivacySettings { last_seen: Some(PrivacyValue::Contacts), ..Default::default() }
    );

    // A value the setting does not take is refused before anything is sent.
    let refused = a1.client.set_privacy_setting(ReadReceipts, PrivacyValue::Contacts).await;
    assert!(
        matches!(refused, Err(ClientError::InvalidArgument(ref m)) if m.contains("readreceipts")),
        "{refused:?}"
    );
    let unchanged = bounded(a1.client.privacy_settings()).await.expect("privacy settings");
    assert_eq!(unchanged, after);
}

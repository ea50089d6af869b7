//! Media end to end: a companion uploads an encrypted file to the sandbox's media host (token
//! from `media_conn`), sends the media message, and the other account's companion downloads
//! and decrypts the very bytes; the message kinds and their captions and names arrive intact.
use wazap::binary::Jid;
use wazap::crypto::media::MediaType;
use wazap::media::MediaRef;
use wazap::types::{MessageContent, MessageInfo};
use wazap::Event;
use wazap_e2e::{bounded, create_account, link_companion, sandbox, wait_for, Companion};

async fn message_of_kind(c: &mut Companion, kind: &str) -> (MessageInfo, MessageContent) {
    match wait_for(
        &mut c.events,
        |e| matches!(e, Event::Message { message, .. } if message.kind() == kind),
    )
    .await
    {
        Event::Message { info, message } => (*info, *message),
        _ => unreachable!(),
    }
}

/// Bytes that are not all alike (and longer than one AES block and one transfer chunk).
fn sample(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[0] ^ seed).collect()
}

#[tokio::test]
async fn an_uploaded_image_and_document_reach_the_peer_byte_for_byte() {
    let sandbox = sandbox().await;
    let (a, b) = ("15550050001", "15550050002");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let to = Jid::pn(b.to_owned());

    let photo = sample(200_000, 7);
    let uploaded = bounded(a1.client.upload(photo.clone(), MediaType::Image)).await.unwrap();
    assert_eq!(uploaded.file_length, photo.len() as u64);
    let sent = bounded(
        a1.client.send_message(to.clone(), uploaded.image_message("image/jpeg", Some("the view"))),
    )
    .await
    .unwrap();

    let (info, content) = message_of_kind(&mut b1, "image").await;
    assert_eq!(info.id, sent.id);
    assert_eq!(content.text(), Some("the view"));
    let message = content.proto.clone();
    let image = message.image_message.as_ref().unwrap();
    assert_eq!(image.mimetype.as_deref(), Some("image/jpeg"));
    let media = MediaRef::from_message(&message).unwrap();
    let downloaded = bounded(b1.client.download(&media)).await.unwrap();
    assert!(downloaded == photo, "the downloaded image differs");

    let doc = b"%PDF-1.4 minutes of the meeting".to_vec();
    let uploaded = bounded(a1.client.upload(doc.clone(), MediaType::Document)).await.unwrap();
    let message = uploaded.document_message("application/pdf", "minutes.pdf", None);
    bounded(a1.client.send_message(to, message)).await.unwrap();
    let (_, content) = message_of_kind(&mut b1, "document").await;
    let message = content.proto.clone();
    let document = message.document_message.as_ref().unwrap();
    assert_eq!(document.file_name.as_deref(), Some("minutes.pdf"));
    let downloaded =
        bounded(b1.client.download(&MediaRef::from_message(&message).unwrap())).await.unwrap();
    assert_eq!(downloaded, doc);

    // The same bytes uploaded as another type do not decrypt as an image: keys are per type.
    let wrong = bounded(a1.client.upload(doc, MediaType::Audio)).await.unwrap();
    let as_image = MediaRef { media_type: MediaType::Image, ..wrong.as_ref() };
    let error = bounded(b1.client.download(&as_image)).await.unwrap_err();
    assert!(matches!(error, wazap::ClientError::Media(_)), "{error}");
}

#[tokio::test]
async fn send_media_uploads_and_sends_each_kind_in_one_call() {
    use wazap::media::MediaKind;

    let sandbox = sandbox().await;
    let (a, b) = ("15550050003", "15550050004");
    create_account(&sandbox, a).await;
    create_account(&sandbox, b).await;
    let a1 = link_companion(&sandbox, a).await;
    let mut b1 = link_companion(&sandbox, b).await;
    let to = Jid::pn(b.to_owned());

    let kinds = [
        ("video", MediaKind::Video { caption: Some("moving".into()) }, None),
        ("audio", MediaKind::Audio { voice_note: true }, None),
        ("sticker", MediaKind::Sticker, Some("image/webp")),
    ];
    for (seed, (name, kind, mimetype)) in kinds.into_iter().enumerate() {
        let file = sample(30_000 + seed * 1_000, seed as u8);
        let id = format!("3EB0MEDIA{seed}");
        let send = a1.client.send_media(to.clone(), file.clone(), mimetype, kind.clone(), Some(id));
        let sent = bounded(send).await.unwrap();
        let (info, content) = message_of_kind(&mut b1, name).await;
        assert_eq!(info.id, sent.id);
        let message = content.proto.clone();
        let downloaded = bounded(b1.client.download_message(&message)).await.unwrap();
        assert!(downloaded == file, "the {name} differs");
        match kind {
            MediaKind::Video { .. } => {
                let video = message.video_message.unwrap();
                assert_eq!(video.caption.as_deref(), Some("moving"));
                assert_eq!(video.mimetype.as_deref(), Some("video/mp4"), "the kind's default");
            }
            MediaKind::Audio { .. } => {
                let audio = message.audio_message.unwrap();
                assert_eq!(audio.ptt, Some(true));
                assert_eq!(audio.mimetype.as_deref(), Some("audio/ogg; codecs=opus"));
            }
            _ => assert!(message.sticker_message.is_some()),
        }
    }

    // A text message has nothing to download: a typed media error, not a panic.
    let error = bounded(b1.client.download_message(&wazap::message::text("hi"))).await;
    assert!(matches!(error, Err(wazap::ClientError::Media(_))), "{error:?}");
}

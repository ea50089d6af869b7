//! Media, locations and contact cards over HTTP on loopback, against the sandbox: a user sends
//! an image, a document and an audio to a simulated contact (its phone shows them); a second
//! user of the same server receives every kind as `Message` webhooks, posts the webhook's media
//! fields to `/chat/download*` and gets the exact bytes back; wrong keys and hashes are refused
//! naming the field; every bad input of the send endpoints is a 400 naming the field, a body
//! over the limit a 413.
use crate::common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::messaging::{inbox_entry, pair, phone, post, Hook};
use common::{assert_error, Env};
use serde_json::{json, Value};

/// Bytes that are not all alike.
fn sample(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1] ^ seed).collect()
}

fn data_url(mime: &str, bytes: &[u8]) -> String {
    format!("data:{mime};base64,{}", STANDARD.encode(bytes))
}

/// Downloads through `endpoint` with `body`: the answer's mimetype, its data URL's media type
/// and bytes.
async fn download(env: &Env, token: &str, endpoint: &str, body: &Value) -> (String, Vec<u8>) {
    let data = post(env, token, endpoint, body.clone()).await;
    let mimetype = data["Mimetype"].as_str().expect("Mimetype").to_owned();
    let url = data["Data"].as_str().expect("Data");
    let (header, payload) = url.split_once(',').expect("a data URL");
    let expected = format!("data:{};base64", mimetype.replace(' ', ""));
    assert_eq!(header, expected);
    (mimetype, STANDARD.decode(payload).expect("base64 data"))
}

/// The `event.Message` of the webhook of message `id`, once the stanza kind whatsmeow reports is
/// checked: `Info.Type` "media" with `Info.MediaType`, or "text" when `media_type` is empty.
async fn received(hook: &mut Hook, id: &Value, media_type: &str) -> Value {
    let body = hook.message(id.as_str().expect("an Id")).await;
    let info = &body["event"]["Info"];
    let kind = if media_type.is_empty() { "text" } else { "media" };
    assert_eq!((&info["Type"], &info["MediaType"]), (&json!(kind), &json!(media_type)), "{info}");
    body["event"]["Message"].clone()
}

const VCARD: &str = "BEGIN:VCARD\nVERSION:3.0\nN:Doe;John;;;\nFN:John Doe\n\
                     TEL;type=CELL:+1 781 555 1212\nEND:VCARD";

#[tokio::test]
async fn media_reach_a_contact_and_another_user_downloads_the_very_bytes() {
    common::logs();
    let env = Env::start("media-round-trip").await;
    let (mia_phone, noa_phone, cal_phone) = ("15551170001", "15551170002", "15551170003");
    phone(&env, mia_phone, "Mia", false).await;
    phone(&env, noa_phone, "Noa", false).await;
    phone(&env, cal_phone, "Cal", false).await;
    let mut mia_hook = Hook::start().await;
    let mut noa_hook = Hook::start().await;
    env.user("mia", &mia_hook.receiver.url, "Message,Connected", "").await;
    env.user("noa", &noa_hook.receiver.url, "Message,Connected", "").await;
    pair(&env, &mut mia_hook, "mia", mia_phone).await;
    pair(&env, &mut noa_hook, "noa", noa_phone).await;

    // To the simulated contact: its phone shows each kind, with the caption or file name.
    let photo = sample(150_000, 1);
    let data = post(
        &env,
        "mia",
        "/chat/send/image",
        json!({ "Phone": cal_phone, "Image": data_url("image/png", &photo),
                "Caption": "the view", "Id": "3EB0AB0000000001" }),
    )
    .await;
    assert_eq!((&data["Details"], &data["Id"]), (&json!("Sent"), &json!("3EB0AB0000000001")));
    let entry = inbox_entry(&env, cal_phone, |e| e["id"] == "3EB0AB0000000001").await;
    assert_eq!((&entry["kind"], &entry["text"]), (&json!("image"), &json!("the view")));
    assert_eq!(entry["chat"], format!("{mia_phone}@s.whatsapp.net"));
    let data = post(
        &env,
        "mia",
        "/chat/send/document",
        json!({ "Phone": cal_phone, "FileName": "hola.txt",
                "Document": "data:application/octet-stream;base64,aG9sYSBxdWUgdGFsCg==" }),
    )
    .await;
    let entry = inbox_entry(&env, cal_phone, |e| e["id"] == data["Id"]).await;
    assert_eq!((&entry["kind"], &entry["text"]), (&json!("document"), &json!("hola.txt")));
    let data = post(
        &env,
        "mia",
        "/chat/send/audio",
        json!({ "Phone": cal_phone, "Audio": data_url("audio/ogg", b"OggS voice") }),
    )
    .await;
    let entry = inbox_entry(&env, cal_phone, |e| e["id"] == data["Id"]).await;
    assert_eq!(entry["kind"], "audio");

    // To the other user: an image larger than axum's default 2 MiB body once in base64, a reply
    // to an earlier message. The webhook's imageMessage, posted as it is, downloads it.
    let big = sample(1_700_000, 2);
    let data = post(
        &env,
        "mia",
        "/chat/send/image",
        json!({ "Phone": noa_phone, "Image": data_url("image/jpeg", &big), "Caption": "big",
                "ContextInfo": { "StanzaId": "3EB0PREVIOUS", "Participant": noa_phone } }),
    )
    .await;
    let message = received(&mut noa_hook, &data["Id"], "image").await;
    let image = &message["imageMessage"];
    assert_eq!((&image["caption"], &image["mimetype"]), (&json!("big"), &json!("image/jpeg")));
    assert_eq!(image["fileLength"], big.len());
    assert!(image["URL"].as_str().unwrap().starts_with("http"), "{image}");
    assert!(image["directPath"].as_str().unwrap().starts_with('/'), "{image}");
    let context = &image["contextInfo"];
    assert_eq!(context["stanzaID"], "3EB0PREVIOUS");
    assert_eq!(context["participant"], format!("{noa_phone}@s.whatsapp.net"));
    let (mimetype, bytes) = download(&env, "noa", "/chat/downloadimage", image).await;
    assert_eq!(mimetype, "image/jpeg");
    assert!(bytes == big, "the downloaded image differs");

    // A document, downloaded with wuzapi's field names and no DirectPath (taken from Url).
    let pdf = b"%PDF-1.4 minutes of the meeting".to_vec();
    let data = post(
        &env,
        "mia",
        "/chat/send/document",
        json!({ "Phone": noa_phone, "Document": data_url("application/pdf", &pdf),
                "FileName": "minutes.pdf", "Caption": "read this" }),
    )
    .await;
    let message = received(&mut noa_hook, &data["Id"], "document").await;
    let document = &message["documentMessage"];
    assert_eq!(
        (&document["fileName"], &document["caption"]),
        (&json!("minutes.pdf"), &json!("read this"))
    );
    assert_eq!(document["mimetype"], "application/pdf");
    let wuzapi_style = json!({ "Url": document["URL"], "Mimetype": document["mimetype"],
        "FileSHA256": document["fileSHA256"], "FileLength": document["fileLength"],
        "MediaKey": document["mediaKey"], "FileEncSHA256": document["fileEncSHA256"] });
    let (_, bytes) = download(&env, "noa", "/chat/downloaddocument", &wuzapi_style).await;
    assert_eq!(bytes, pdf);

    // An Ogg audio is a voice note.
    let voice = sample(20_000, 3);
    let data = post(
        &env,
        "mia",
        "/chat/send/audio",
        json!({ "Phone": noa_phone, "Audio": data_url("audio/ogg", &voice) }),
    )
    .await;
    let message = received(&mut noa_hook, &data["Id"], "ptt").await;
    let audio = &message["audioMessage"];
    assert_eq!(
        (&audio["PTT"], &audio["mimetype"]),
        (&json!(true), &json!("audio/ogg; codecs=opus"))
    );
    let (mimetype, bytes) = download(&env, "noa", "/chat/downloadaudio", audio).await;
    assert_eq!((mimetype.as_str(), bytes == voice), ("audio/ogg; codecs=opus", true));

    // A video with its thumbnail, and a sticker with its PNG thumbnail (stickers are encrypted
    // as images: /chat/downloadimage takes them).
    let clip = sample(70_000, 4);
    let data = post(
        &env,
        "mia",
        "/chat/send/video",
        json!({ "Phone": noa_phone, "Video": data_url("video/mp4", &clip), "Caption": "clip",
                "JpegThumbnail": "/9j/4A==" }),
    )
    .await;
    let message = received(&mut noa_hook, &data["Id"], "video").await;
    let video = &message["videoMessage"];
    assert_eq!((&video["caption"], &video["JPEGThumbnail"]), (&json!("clip"), &json!("/9j/4A==")));
    let (_, bytes) = download(&env, "noa", "/chat/downloadvideo", video).await;
    assert!(bytes == clip, "the downloaded video differs");
    let webp = sample(5_000, 5);
    let data = post(
        &env,
        "mia",
        "/chat/send/sticker",
        json!({ "Phone": noa_phone, "Sticker": data_url("image/webp", &webp),
                "PngThumbnail": "iVBORw==" }),
    )
    .await;
    let message = received(&mut noa_hook, &data["Id"], "sticker").await;
    let sticker = &message["stickerMessage"];
    assert_eq!(
        (&sticker["mimetype"], &sticker["pngThumbnail"]),
        (&json!("image/webp"), &json!("iVBORw=="))
    );
    let (_, bytes) = download(&env, "noa", "/chat/downloadimage", sticker).await;
    assert_eq!(bytes, webp);
    let (_, bytes) = download(&env, "noa", "/chat/downloadsticker", sticker).await;
    assert_eq!(bytes, webp);

    // Fields that do not match the file: refused, naming what disagrees.
    let other = STANDARD.encode([9u8; 32]);
    let tampered = |field: &str, value: Value| {
        let mut body = image.clone();
        body[field] = value;
        body
    };
    let cases = [
        ("/chat/downloadimage", tampered("mediaKey", json!(other)), 422, "MediaKey"),
        ("/chat/downloadimage", tampered("fileSHA256", json!(other)), 422, "FileSHA256"),
        ("/chat/downloadimage", tampered("fileEncSHA256", json!(other)), 422, "FileEncSHA256"),
        ("/chat/downloadimage", tampered("fileLength", json!(1000)), 422, "FileLength"),
        // Another kind's keys do not decrypt it.
        ("/chat/downloadaudio", image.clone(), 422, "MediaKey"),
        (
            "/chat/downloadimage",
            tampered("directPath", json!("/v/sandbox/00.enc")),
            404,
            "media host",
        ),
        ("/chat/downloadimage", tampered("mediaKey", json!("AAEC")), 400, "invalid MediaKey"),
    ];
    for (endpoint, body, status, needle) in cases {
        let answer = env.api.user("POST", endpoint, "noa", Some(&body.to_string())).await;
        assert_error(&answer, status, needle);
    }

    // A place and a contact card arrive with their fields.
    let data = post(
        &env,
        "mia",
        "/chat/send/location",
        json!({ "Phone": noa_phone, "Latitude": 48.858370, "Longitude": 2.294481,
                "Name": "Paris" }),
    )
    .await;
    let message = received(&mut noa_hook, &data["Id"], "").await;
    assert_eq!(
        message,
        json!({ "locationMessage": { "degreesLatitude": 48.85837, "degreesLongitude": 2.294481,
                                     "name": "Paris" } })
    );
    let data = post(
        &env,
        "mia",
        "/chat/send/contact",
        json!({ "Phone": noa_phone, "Name": "Casa", "Vcard": VCARD, "Id": "3EB0CA5A00000001" }),
    )
    .await;
    assert_eq!(data["Id"], "3EB0CA5A00000001");
    let message = received(&mut noa_hook, &data["Id"], "vcard").await;
    assert_eq!(message, json!({ "contactMessage": { "displayName": "Casa", "vcard": VCARD } }));
    env.server.shutdown().await;
}

#[tokio::test]
async fn media_calls_check_their_fields_then_the_session() {
    let env = Env::start("media-bad").await;
    env.user("bad", "", "", "").await;
    let api = &env.api;
    let call = move |path: &'static str, body: Value| async move {
        api.user("POST", path, "bad", Some(&body.to_string())).await
    };
    let png = "data:image/png;base64,iVBORw==";
    let image = "/chat/send/image";
    assert_error(&call(image, json!({ "Image": png })).await, 400, "missing field `phone`");
    assert_error(&call(image, json!({ "Phone": "1555" })).await, 400, "missing Image");
    assert_error(&call(image, json!({ "Phone": "1555", "Image": 5 })).await, 400, "field `image`");
    assert_error(&call(image, json!({ "Phone": "x", "Image": png })).await, 400, "invalid Phone");
    let bad_images = [
        ("hello", "Image is not a data URL"),
        ("data:image/png,iVBORw", "Image is not base64-encoded"),
        ("data:text/plain;base64,aGk=", "Image must be a data:image/"),
        ("data:image/png;base64,@@@", "Image is not valid base64"),
        ("data:image/png;base64,", "Image holds no data"),
    ];
    for (value, needle) in bad_images {
        let answer = call(image, json!({ "Phone": "1555", "Image": value })).await;
        assert_error(&answer, 400, needle);
    }
    let quote_without_sender =
        json!({ "Phone": "1555", "Image": png, "ContextInfo": { "StanzaId": "A" } });
    assert_error(&call(image, quote_without_sender).await, 400, "missing Participant");

    let audio = "/chat/send/audio";
    assert_error(
        &call(audio, json!({ "Phone": "1555", "Audio": png })).await,
        400,
        "Audio must be a data:audio/",
    );
    let video = "/chat/send/video";
    assert_error(
        &call(video, json!({ "Phone": "1555", "Video": png })).await,
        400,
        "Video must be a data:video/",
    );
    let mp4 = "data:video/mp4;base64,AAAA";
    let answer = call(video, json!({ "Phone": "1555", "Video": mp4, "JpegThumbnail": "%" })).await;
    assert_error(&answer, 400, "JpegThumbnail is not valid base64");
    let sticker = "/chat/send/sticker";
    assert_error(
        &call(sticker, json!({ "Phone": "1555", "Sticker": mp4 })).await,
        400,
        "Sticker must be a data:image/",
    );
    let answer =
        call(sticker, json!({ "Phone": "1555", "Sticker": png, "PngThumbnail": "%" })).await;
    assert_error(&answer, 400, "PngThumbnail is not valid base64");
    let document = "/chat/send/document";
    let pdf = "data:application/pdf;base64,JVBERg==";
    assert_error(
        &call(document, json!({ "Phone": "1555", "Document": pdf })).await,
        400,
        "missing FileName",
    );
    assert_error(
        &call(document, json!({ "Phone": "1555", "FileName": "a" })).await,
        400,
        "missing Document",
    );

    let location = "/chat/send/location";
    assert_error(
        &call(location, json!({ "Phone": "1555", "Longitude": 2.0 })).await,
        400,
        "missing Latitude",
    );
    assert_error(
        &call(location, json!({ "Phone": "1555", "Latitude": 2.0 })).await,
        400,
        "missing Longitude",
    );
    let answer = call(location, json!({ "Phone": "1555", "Latitude": 91, "Longitude": 2 })).await;
    assert_error(&answer, 400, "invalid Latitude");
    let answer =
        call(location, json!({ "Phone": "1555", "Latitude": "north", "Longitude": 2 })).await;
    assert_error(&answer, 400, "field `latitude`");
    let contact = "/chat/send/contact";
    assert_error(
        &call(contact, json!({ "Phone": "1555", "Vcard": VCARD })).await,
        400,
        "missing Name",
    );
    assert_error(
        &call(contact, json!({ "Phone": "1555", "Name": "C" })).await,
        400,
        "missing Vcard",
    );
    let answer = call(contact, json!({ "Phone": "1555", "Name": "C", "Vcard": "John" })).await;
    assert_error(&answer, 400, "invalid Vcard");

    let key = STANDARD.encode([1u8; 32]);
    let fetch = json!({ "Url": "https://mmg.whatsapp.net/v/t62/x.enc?ccb=11-4", "MediaKey": key,
        "FileEncSHA256": key, "FileSHA256": key, "FileLength": 10, "Mimetype": "image/png" });
    for (field, value, needle) in [
        ("MediaKey", json!(null), "missing MediaKey"),
        ("MediaKey", json!("AAEC"), "invalid MediaKey: 32 bytes expected"),
        ("FileEncSHA256", json!("@@"), "FileEncSHA256 is not valid base64"),
        ("Url", json!("nowhere"), "invalid Url"),
        ("FileLength", json!("ten"), "field `filelength`"),
        ("Mimetype", json!(""), "missing Mimetype"),
    ] {
        let mut body = fetch.clone();
        body[field] = value;
        assert_error(&call("/chat/downloaddocument", body).await, 400, needle);
    }

    // Valid requests before the session is up: 409, as /chat/send/text.
    let valid = [
        (image, json!({ "Phone": "15551180001", "Image": png })),
        (audio, json!({ "Phone": "15551180001", "Audio": "data:audio/ogg;base64,T2dnUw==" })),
        (document, json!({ "Phone": "15551180001", "Document": pdf, "FileName": "a.pdf" })),
        (video, json!({ "Phone": "15551180001", "Video": mp4 })),
        (sticker, json!({ "Phone": "15551180001", "Sticker": "data:image/webp;base64,UklGRg==" })),
        (location, json!({ "Phone": "15551180001", "Latitude": 0, "Longitude": 0 })),
        (contact, json!({ "Phone": "15551180001", "Name": "C", "Vcard": VCARD })),
        ("/chat/downloadimage", fetch.clone()),
    ];
    for (path, body) in &valid {
        assert_error(&call(path, body.clone()).await, 409, "not connected");
    }
    let (status, value) = env.api.user("POST", "/session/connect", "bad", None).await;
    assert_eq!(status, 200, "{value}");
    for (path, body) in &valid {
        assert_error(&call(path, body.clone()).await, 409, "not logged in");
    }

    // Bodies over the media limit: 413 (here a server with a 1 MiB limit).
    let small = common::start_server_limited(
        &env.sandbox,
        &common::temp_dir("media-limit"),
        Some(common::ADMIN),
        1 << 20,
    )
    .await;
    let limited = common::Api::new(small.local_addr());
    let (status, value) =
        limited.admin("POST", "/admin/users", Some(r#"{"name":"s","token":"s"}"#)).await;
    assert_eq!(status, 200, "{value}");
    let fits = json!({ "Phone": "1555", "Image": data_url("image/png", &sample(700_000, 6)) });
    assert_error(
        &limited.user("POST", image, "s", Some(&fits.to_string())).await,
        409,
        "not connected",
    );
    let over = json!({ "Phone": "1555", "Image": data_url("image/png", &sample(900_000, 6)) });
    assert_error(
        &limited.user("POST", image, "s", Some(&over.to_string())).await,
        413,
        "larger than",
    );
    small.shutdown().await;
    env.server.shutdown().await;
}

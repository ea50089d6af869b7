//! The file of a received image, audio, document, video or sticker message, embedded in its
//! `Message` webhook as wuzapi does (unless `-skipmedia`): `base64` (the decrypted file),
//! `mimeType` and `fileName` (the message id and an extension) beside `type` and `event`;
//! stickers also carry `isSticker` and `stickerAnimated`. Files larger than the limit are not
//! downloaded (the webhook goes without them; `/chat/download*` still fetches them).
use base64::Engine;
use serde_json::{Map, Value};
use wazap::api::requests::Download;
use wazap::proto;
use wazap::Client;

/// Default bound on an embedded file (wuzapi has none; a webhook of several hundred MiB of
/// base64 helps nobody).
pub const DEFAULT_LIMIT: u64 = 16 << 20;

/// What to embed.
#[derive(Debug, Clone, Copy)]
pub struct MediaPolicy {
    /// `-skipmedia`: never download.
    pub skip: bool,
    /// Largest file embedded, in bytes.
    pub limit: u64,
}

impl Default for MediaPolicy {
    fn default() -> Self {
        Self { skip: false, limit: DEFAULT_LIMIT }
    }
}

/// The media of `message`: its mimetype, declared length, file name hint and whether it is an
/// (animated) sticker.
struct Described<'a> {
    mimetype: &'a str,
    length: Option<u64>,
    file_name: Option<&'a str>,
    sticker: Option<bool>,
}

fn plain(mimetype: Option<&String>, length: Option<u64>) -> Described<'_> {
    Described {
        mimetype: mimetype.map_or("", String::as_str),
        length,
        file_name: None,
        sticker: None,
    }
}

fn describe(message: &proto::Message) -> Option<Described<'_>> {
    if let Some(m) = &message.image_message {
        Some(plain(m.mimetype.as_ref(), m.file_length))
    } else if let Some(m) = &message.audio_message {
        Some(plain(m.mimetype.as_ref(), m.file_length))
    } else if let Some(m) = &message.video_message {
        Some(plain(m.mimetype.as_ref(), m.file_length))
    } else if let Some(m) = &message.document_message {
        Some(Described {
            file_name: m.file_name.as_deref(),
            ..plain(m.mimetype.as_ref(), m.file_length)
        })
    } else {
        message.sticker_message.as_ref().map(|m| Described {
            sticker: Some(m.is_animated.unwrap_or(false)),
            ..plain(m.mimetype.as_ref(), m.file_length)
        })
    }
}

/// The extension of a file of `mimetype` (`document` falls back to its own name's).
fn extension(mimetype: &str, file_name: Option<&str>) -> String {
    let essence = mimetype.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let known = match essence.as_str() {
        "image/jpeg" => Some(".jpg"),
        "image/png" => Some(".png"),
        "image/webp" => Some(".webp"),
        "image/gif" => Some(".gif"),
        "audio/ogg" => Some(".ogg"),
        "audio/mpeg" => Some(".mp3"),
        "audio/mp4" => Some(".m4a"),
        "video/mp4" => Some(".mp4"),
        "video/3gpp" => Some(".3gp"),
        "application/pdf" => Some(".pdf"),
        "text/plain" => Some(".txt"),
        _ => None,
    };
    if let Some(ext) = known {
        return ext.to_owned();
    }
    file_name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext)
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
        .map_or_else(|| ".bin".to_owned(), |ext| format!(".{ext}"))
}

/// Adds the file of the message of `body` (a `Message` webhook) when it has one and the policy
/// allows; a failed download leaves the webhook without it (logged).
pub async fn embed(
    client: &Client,
    policy: MediaPolicy,
    message: &proto::Message,
    id: &str,
    body: &mut Value,
) {
    if policy.skip {
        return;
    }
    let Some(media) = describe(message) else { return };
    if media.length.is_some_and(|l| l > policy.limit) {
        tracing::info!(id, "media over the webhook limit: not embedded");
        return;
    }
    let Ok(reference) = Download::media_of(message) else { return };
    let data = match client.download(&reference).await {
        Ok(data) if data.len() as u64 <= policy.limit => data,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(id, "downloading the media of a webhook failed: {e}");
            return;
        }
    };
    let Value::Object(map) = body else { return };
    insert(map, &media, id, &data);
}

fn insert(map: &mut Map<String, Value>, media: &Described<'_>, id: &str, data: &[u8]) {
    let mimetype =
        if media.mimetype.is_empty() { "application/octet-stream" } else { media.mimetype };
    map.insert("base64".into(), base64::engine::general_purpose::STANDARD.encode(data).into());
    map.insert("mimeType".into(), mimetype.into());
    map.insert("fileName".into(), format!("{id}{}", extension(mimetype, media.file_name)).into());
    if let Some(animated) = media.sticker {
        map.insert("isSticker".into(), true.into());
        map.insert("stickerAnimated".into(), animated.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_follow_the_mimetype_then_the_file_name() {
        assert_eq!(extension("image/jpeg", None), ".jpg");
        assert_eq!(extension("audio/ogg; codecs=opus", None), ".ogg");
        assert_eq!(extension("application/x-thing", Some("report.xlsx")), ".xlsx");
        assert_eq!(extension("application/x-thing", Some("noext")), ".bin");
        assert_eq!(extension("application/x-thing", Some("a.../../x")), ".bin");
    }

    #[test]
    fn the_fields_are_wuzapi_names() {
        let sticker = Described {
            mimetype: "image/webp",
            length: None,
            file_name: None,
            sticker: Some(false),
        };
        let mut map = Map::new();
        insert(&mut map, &sticker, "ID1", b"RIFF");
        assert_eq!(map["base64"], "UklGRg==");
        assert_eq!(map["mimeType"], "image/webp");
        assert_eq!(map["fileName"], "ID1.webp");
        assert_eq!(
            (&map["isSticker"], &map["stickerAnimated"]),
            (&Value::from(true), &Value::from(false))
        );
    }
}

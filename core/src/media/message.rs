//! Media messages describing an [`UploadedMedia`]: the file's URL, direct path, key and
//! digests, plus what the kind of message shows (caption, file name, voice note…). Upload the
//! file with the matching [`crate::crypto::media::MediaType`] (`Image` for an image message…):
//! the keys are derived per type, so another type does not decrypt.
use super::UploadedMedia;
use crate::proto;

fn key_timestamp() -> Option<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// A `proto::$kind` with the fields every media message shares taken from `$u`, plus the
/// kind's own fields.
macro_rules! media {
    ($kind:ident, $u:expr, $mimetype:expr $(, $field:ident: $value:expr)*) => {
        Box::new(proto::$kind {
            url: Some($u.url.clone()),
            mimetype: Some($mimetype.to_owned()),
            file_sha256: Some($u.file_sha256.to_vec()),
            file_length: Some($u.file_length),
            media_key: Some($u.media_key.to_vec()),
            file_enc_sha256: Some($u.file_enc_sha256.to_vec()),
            direct_path: Some($u.direct_path.clone()),
            media_key_timestamp: key_timestamp(),
            $($field: $value,)*
            ..Default::default()
        })
    };
}

impl UploadedMedia {
    /// An image message (upload with `MediaType::Image`).
    pub fn image_message(&self, mimetype: &str, caption: Option<&str>) -> proto::Message {
        let m = media!(ImageMessage, self, mimetype, caption: caption.map(str::to_owned));
        proto::Message { image_message: Some(m), ..Default::default() }
    }

    /// A video message (upload with `MediaType::Video`).
    pub fn video_message(&self, mimetype: &str, caption: Option<&str>) -> proto::Message {
        let m = media!(VideoMessage, self, mimetype, caption: caption.map(str::to_owned));
        proto::Message { video_message: Some(m), ..Default::default() }
    }

    /// An audio message; `ptt` makes it a voice note (upload with `MediaType::Audio`).
    pub fn audio_message(&self, mimetype: &str, ptt: bool) -> proto::Message {
        let m = media!(AudioMessage, self, mimetype, ptt: Some(ptt));
        proto::Message { audio_message: Some(m), ..Default::default() }
    }

    /// A document message (upload with `MediaType::Document`).
    pub fn document_message(
        &self,
        mimetype: &str,
        file_name: &str,
        caption: Option<&str>,
    ) -> proto::Message {
        let m = media!(DocumentMessage, self, mimetype,
            title: Some(file_name.to_owned()),
            file_name: Some(file_name.to_owned()),
            caption: caption.map(str::to_owned));
        proto::Message { document_message: Some(m), ..Default::default() }
    }

    /// A sticker message (upload a WebP with `MediaType::Sticker`).
    pub fn sticker_message(&self, mimetype: &str) -> proto::Message {
        let m = media!(StickerMessage, self, mimetype);
        proto::Message { sticker_message: Some(m), ..Default::default() }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::crypto::media::MediaType;
    use crate::media::MediaRef;

    /// An upload with made-up keys, for message tests.
    pub(in crate::media) fn uploaded(media_type: MediaType) -> UploadedMedia {
        UploadedMedia {
            url: "https://mmg.whatsapp.net/v/x.enc".into(),
            direct_path: "/v/x.enc?ccb=1".into(),
            media_key: [1; 32],
            file_enc_sha256: [2; 32],
            file_sha256: [3; 32],
            file_length: 42,
            media_type,
        }
    }

    #[test]
    fn each_message_downloads_as_the_uploaded_file() {
        let cases = [
            (MediaType::Image, uploaded(MediaType::Image).image_message("image/jpeg", Some("hi"))),
            (MediaType::Video, uploaded(MediaType::Video).video_message("video/mp4", None)),
            (MediaType::Audio, uploaded(MediaType::Audio).audio_message("audio/ogg", true)),
            (
                MediaType::Document,
                uploaded(MediaType::Document).document_message("application/pdf", "a.pdf", None),
            ),
            (MediaType::Sticker, uploaded(MediaType::Sticker).sticker_message("image/webp")),
        ];
        for (media_type, message) in cases {
            let back = MediaRef::from_message(&message).unwrap();
            assert_eq!(back, uploaded(media_type).as_ref(), "{media_type:?}");
        }
    }

    #[test]
    fn kinds_say_what_they_show() {
        let u = uploaded(MediaType::Audio);
        assert_eq!(u.audio_message("audio/ogg", true).audio_message.unwrap().ptt, Some(true));
        let d = uploaded(MediaType::Document).document_message("text/plain", "n.txt", Some("c"));
        let d = d.document_message.unwrap();
        assert_eq!((d.file_name.as_deref(), d.caption.as_deref()), (Some("n.txt"), Some("c")));
    }
}

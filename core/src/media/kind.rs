//! What kind of media message a file becomes, with the fields only that kind has. One value
//! picks both the upload's key derivation ([`MediaType`]) and the message built around the
//! upload, so the two cannot disagree (a file uploaded as a video does not decrypt as an image).
use super::UploadedMedia;
use crate::crypto::media::MediaType;
use crate::proto;

/// A media message kind and its own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaKind {
    Image {
        caption: Option<String>,
    },
    Video {
        caption: Option<String>,
    },
    /// `voice_note`: shown as a recorded voice message (`ptt`) rather than an audio file.
    Audio {
        voice_note: bool,
    },
    Document {
        file_name: String,
        caption: Option<String>,
    },
    Sticker,
}

/// Fields that do not make a media kind (see [`MediaKind::from_fields`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MediaKindError(String);

impl MediaKind {
    /// The names [`MediaKind::from_fields`] takes, as bindings and APIs spell them.
    pub const NAMES: [&'static str; 5] = ["image", "video", "audio", "document", "sticker"];

    /// The kind named `name` with loosely typed fields, as the language bindings receive
    /// them. A field the kind has no place for is refused rather than silently dropped, and a
    /// document needs a non-empty file name.
    pub fn from_fields(
        name: &str,
        caption: Option<String>,
        file_name: Option<String>,
        voice_note: bool,
    ) -> Result<Self, MediaKindError> {
        let refuse = |what: &str| Err(MediaKindError(format!("{name} messages have no {what}")));
        if file_name.is_some() && name != "document" && Self::NAMES.contains(&name) {
            return refuse("file name");
        }
        if caption.is_some() && matches!(name, "audio" | "sticker") {
            return refuse("caption");
        }
        if voice_note && name != "audio" && Self::NAMES.contains(&name) {
            return refuse("voice note flag");
        }
        Ok(match name {
            "image" => MediaKind::Image { caption },
            "video" => MediaKind::Video { caption },
            "audio" => MediaKind::Audio { voice_note },
            "document" => match file_name {
                Some(file_name) if !file_name.is_empty() => {
                    MediaKind::Document { file_name, caption }
                }
                _ => return Err(MediaKindError("a document needs a file name".into())),
            },
            "sticker" => MediaKind::Sticker,
            other => {
                return Err(MediaKindError(format!(
                    "the media kind must be one of {}, not {other:?}",
                    Self::NAMES.join(", ")
                )))
            }
        })
    }

    /// The key derivation the file is uploaded with.
    pub fn media_type(&self) -> MediaType {
        match self {
            MediaKind::Image { .. } => MediaType::Image,
            MediaKind::Video { .. } => MediaType::Video,
            MediaKind::Audio { .. } => MediaType::Audio,
            MediaKind::Document { .. } => MediaType::Document,
            MediaKind::Sticker => MediaType::Sticker,
        }
    }

    /// The mimetype WhatsApp clients send for this kind when the caller names none.
    pub fn default_mimetype(&self) -> &'static str {
        match self {
            MediaKind::Image { .. } => "image/jpeg",
            MediaKind::Video { .. } => "video/mp4",
            MediaKind::Audio { .. } => "audio/ogg; codecs=opus",
            MediaKind::Document { .. } => "application/octet-stream",
            MediaKind::Sticker => "image/webp",
        }
    }
}

impl UploadedMedia {
    /// The message of `kind` around this upload.
    pub fn message(&self, kind: &MediaKind, mimetype: &str) -> proto::Message {
        match kind {
            MediaKind::Image { caption } => self.image_message(mimetype, caption.as_deref()),
            MediaKind::Video { caption } => self.video_message(mimetype, caption.as_deref()),
            MediaKind::Audio { voice_note } => self.audio_message(mimetype, *voice_note),
            MediaKind::Document { file_name, caption } => {
                self.document_message(mimetype, file_name, caption.as_deref())
            }
            MediaKind::Sticker => self.sticker_message(mimetype),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::message::tests::uploaded;
    use crate::media::MediaRef;

    #[test]
    fn each_kind_builds_the_message_a_receiver_downloads_with_the_same_key_type() {
        let kinds = [
            MediaKind::Image { caption: Some("look".into()) },
            MediaKind::Video { caption: None },
            MediaKind::Audio { voice_note: true },
            MediaKind::Document { file_name: "a.pdf".into(), caption: None },
            MediaKind::Sticker,
        ];
        for kind in kinds {
            let message = uploaded(kind.media_type()).message(&kind, kind.default_mimetype());
            let back = MediaRef::from_message(&message).expect("a media message");
            assert_eq!(back.media_type, kind.media_type(), "{kind:?}");
            assert_eq!(back.file_length, Some(42));
        }
    }

    #[test]
    fn loose_fields_make_a_kind_or_say_what_is_wrong() {
        let doc = MediaKind::from_fields("document", Some("c".into()), Some("a.txt".into()), false);
        assert_eq!(
            doc,
            Ok(MediaKind::Document { file_name: "a.txt".into(), caption: Some("c".into()) })
        );
        assert_eq!(
            MediaKind::from_fields("audio", None, None, true),
            Ok(MediaKind::Audio { voice_note: true })
        );
        let error = |name: &str, caption: Option<&str>, file: Option<&str>, ptt: bool| {
            let caption = caption.map(str::to_owned);
            let file = file.map(str::to_owned);
            MediaKind::from_fields(name, caption, file, ptt).unwrap_err().to_string()
        };
        assert_eq!(error("document", None, None, false), "a document needs a file name");
        assert_eq!(error("document", None, Some(""), false), "a document needs a file name");
        assert_eq!(error("image", None, Some("a.png"), false), "image messages have no file name");
        assert_eq!(error("sticker", Some("hi"), None, false), "sticker messages have no caption");
        assert_eq!(error("video", None, None, true), "video messages have no voice note flag");
        assert!(error("gif", None, None, false).contains("image, video, audio, document, sticker"));
    }

    #[test]
    fn kind_fields_land_in_the_message() {
        let kind =
            MediaKind::Document { file_name: "report.pdf".into(), caption: Some("Q3".into()) };
        let doc = uploaded(MediaType::Document)
            .message(&kind, "application/pdf")
            .document_message
            .expect("a document");
        assert_eq!(doc.file_name.as_deref(), Some("report.pdf"));
        assert_eq!(doc.caption.as_deref(), Some("Q3"));
        assert_eq!(doc.mimetype.as_deref(), Some("application/pdf"));
        let audio = uploaded(MediaType::Audio)
            .message(&MediaKind::Audio { voice_note: true }, "audio/ogg; codecs=opus")
            .audio_message
            .expect("an audio");
        assert_eq!(audio.ptt, Some(true));
    }
}

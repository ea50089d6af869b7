//! [`MediaRef`]: what a download needs, taken from a media message or a history-sync
//! notification.
use super::TransferError;
use crate::crypto::media::{encrypted_len, Expected, MediaType};
use crate::proto;

/// An encrypted file on the media hosts.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaRef {
    /// The file's path on any media host (`/v/t62.7119-24/…enc?ccb=…`).
    pub direct_path: String,
    pub media_key: [u8; 32],
    /// SHA-256 of `ciphertext ‖ mac`: checked before decrypting, and the URL's `hash`.
    pub file_enc_sha256: [u8; 32],
    /// SHA-256 of the plaintext, checked after decrypting when known.
    pub file_sha256: Option<[u8; 32]>,
    /// Plaintext length, when known: bounds the transfer and is checked.
    pub file_length: Option<u64>,
    pub media_type: MediaType,
}

impl std::fmt::Debug for MediaRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("MediaRef")
            .field("direct_path", &self.direct_path)
            .field("media_type", &self.media_type)
            .field("file_length", &self.file_length)
            .finish_non_exhaustive()
    }
}

fn array(bytes: &Option<Vec<u8>>, name: &'static str) -> Result<[u8; 32], TransferError> {
    bytes.as_deref().and_then(|b| b.try_into().ok()).ok_or(TransferError::MissingField(name))
}

fn path(path: &Option<String>) -> Result<String, TransferError> {
    match path {
        Some(p) if p.starts_with('/') => Ok(p.clone()),
        _ => Err(TransferError::MissingField("directPath")),
    }
}

/// The fields every downloadable message shares.
struct Fields<'a> {
    direct_path: &'a Option<String>,
    media_key: &'a Option<Vec<u8>>,
    file_enc_sha256: &'a Option<Vec<u8>>,
    file_sha256: &'a Option<Vec<u8>>,
    file_length: Option<u64>,
}

impl MediaRef {
    fn from_fields(f: Fields<'_>, media_type: MediaType) -> Result<Self, TransferError> {
        Ok(Self {
            direct_path: path(f.direct_path)?,
            media_key: array(f.media_key, "mediaKey")?,
            file_enc_sha256: array(f.file_enc_sha256, "fileEncSha256")?,
            file_sha256: f
                .file_sha256
                .as_ref()
                .map(|_| array(f.file_sha256, "fileSha256"))
                .transpose()?,
            file_length: f.file_length,
            media_type,
        })
    }

    /// The blob a `HistorySyncNotification` announces (its `fileLength` is the compressed
    /// plaintext's).
    pub fn from_history_notification(
        n: &proto::HistorySyncNotification,
    ) -> Result<Self, TransferError> {
        let fields = Fields {
            direct_path: &n.direct_path,
            media_key: &n.media_key,
            file_enc_sha256: &n.file_enc_sha256,
            file_sha256: &n.file_sha256,
            file_length: n.file_length,
        };
        Self::from_fields(fields, MediaType::History)
    }

    /// An app state blob (a snapshot, or a patch's external mutations): media type
    /// `md-app-state`.
    pub fn from_blob_reference(r: &proto::ExternalBlobReference) -> Result<Self, TransferError> {
        let fields = Fields {
            direct_path: &r.direct_path,
            media_key: &r.media_key,
            file_enc_sha256: &r.file_enc_sha256,
            file_sha256: &r.file_sha256,
            file_length: r.file_size_bytes,
        };
        Self::from_fields(fields, MediaType::AppState)
    }

    /// The file of an image, video, audio, document or sticker message.
    pub fn from_message(message: &proto::Message) -> Result<Self, TransferError> {
        macro_rules! fields {
            ($m:expr) => {
                Fields {
                    direct_path: &$m.direct_path,
                    media_key: &$m.media_key,
                    file_enc_sha256: &$m.file_enc_sha256,
                    file_sha256: &$m.file_sha256,
                    file_length: $m.file_length,
                }
            };
        }
        if let Some(m) = &message.image_message {
            Self::from_fields(fields!(m), MediaType::Image)
        } else if let Some(m) = &message.video_message {
            Self::from_fields(fields!(m), MediaType::Video)
        } else if let Some(m) = &message.audio_message {
            Self::from_fields(fields!(m), MediaType::Audio)
        } else if let Some(m) = &message.document_message {
            Self::from_fields(fields!(m), MediaType::Document)
        } else if let Some(m) = &message.sticker_message {
            Self::from_fields(fields!(m), MediaType::Sticker)
        } else {
            Err(TransferError::MissingField("media message"))
        }
    }

    /// The digests the decrypted file must match.
    pub fn expected(&self) -> Expected {
        Expected { file_enc_sha256: Some(self.file_enc_sha256), file_sha256: self.file_sha256 }
    }

    /// The most bytes the host may send: the encrypted size of `file_length`, when known.
    pub fn max_transfer(&self) -> Option<u64> {
        self.file_length.map(encrypted_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification() -> proto::HistorySyncNotification {
        proto::HistorySyncNotification {
            file_sha256: Some(vec![1; 32]),
            file_length: Some(100),
            media_key: Some(vec![2; 32]),
            file_enc_sha256: Some(vec![3; 32]),
            direct_path: Some("/v/sandbox/x.enc?ccb=11-4".into()),
            ..Default::default()
        }
    }

    #[test]
    fn takes_a_history_notification() {
        let media = MediaRef::from_history_notification(&notification()).unwrap();
        assert_eq!(media.media_type, MediaType::History);
        assert_eq!((media.media_key, media.file_enc_sha256), ([2; 32], [3; 32]));
        assert_eq!(media.file_sha256, Some([1; 32]));
        assert_eq!(media.max_transfer(), Some(122));
    }

    #[test]
    fn names_what_is_missing_or_malformed() {
        let mut n = notification();
        n.media_key = Some(vec![2; 31]);
        let e = MediaRef::from_history_notification(&n).unwrap_err();
        assert!(matches!(e, TransferError::MissingField("mediaKey")), "{e}");
        let mut n = notification();
        n.direct_path = Some("https://elsewhere/x".into());
        let e = MediaRef::from_history_notification(&n).unwrap_err();
        assert!(matches!(e, TransferError::MissingField("directPath")), "{e}");
        let e = MediaRef::from_message(&proto::Message::default()).unwrap_err();
        assert!(matches!(e, TransferError::MissingField("media message")), "{e}");
    }

    #[test]
    fn takes_a_media_message() {
        let message = proto::Message {
            document_message: Some(Box::new(proto::DocumentMessage {
                direct_path: Some("/v/doc.enc?ccb=1".into()),
                media_key: Some(vec![4; 32]),
                file_enc_sha256: Some(vec![5; 32]),
                file_length: Some(3),
                ..Default::default()
            })),
            ..Default::default()
        };
        let media = MediaRef::from_message(&message).unwrap();
        assert_eq!((media.media_type, media.file_sha256), (MediaType::Document, None));
        assert!(!format!("{media:?}").contains("media_key"));
    }
}

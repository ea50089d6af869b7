//! `/chat/download{image,video,audio,document,sticker}`: fetches, verifies and decrypts the file a
//! media message describes, answering `{"Data":"data:<mime>;base64,…","Mimetype"}` as wuzapi.
//! The body takes the message's fields under whatsmeow's JSON names (`Url`, `DirectPath`,
//! `MediaKey`, `Mimetype`, `FileEncSHA256`, `FileSHA256`, `FileLength`; bytes in base64):
//! field names match in any case, so a webhook's `imageMessage` object can be posted as it is.
use serde::Deserialize;
use serde_json::json;
use wazap::client::ClientError;
use wazap::crypto::media::{MediaError, MediaType};
use wazap::media::{MediaRef, TransferError};

use super::outgoing::{given, ready};
use super::session::client_error;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::data_url;
use crate::envelope::{ok, ApiError, ApiResult};

#[derive(Deserialize)]
pub struct Download {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    directpath: Option<String>,
    #[serde(default)]
    mediakey: Option<String>,
    #[serde(default)]
    mimetype: Option<String>,
    #[serde(default)]
    fileencsha256: Option<String>,
    #[serde(default)]
    filesha256: Option<String>,
    #[serde(default)]
    filelength: Option<u64>,
}

/// A required 32-byte base64 field.
fn key_field(value: &Option<String>, field: &str) -> Result<[u8; 32], ApiError> {
    let text =
        given(value).ok_or_else(|| ApiError::bad_request(format!("missing {field} in payload")))?;
    let bytes = data_url::base64(text)
        .map_err(|e| ApiError::bad_request(format!("{field} is not valid base64: {e}")))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        ApiError::bad_request(format!("invalid {field}: 32 bytes expected, got {}", bytes.len()))
    })
}

/// The file's path on the media hosts: `DirectPath`, or the path and query of `Url` (what
/// whatsmeow falls back to for old messages without a direct path).
fn direct_path(request: &Download) -> Result<String, ApiError> {
    if let Some(path) = given(&request.directpath) {
        if !path.starts_with('/') {
            return Err(ApiError::bad_request(format!(
                "invalid DirectPath {path:?}: a path starting with /"
            )));
        }
        return Ok(path.to_owned());
    }
    let url = given(&request.url)
        .ok_or_else(|| ApiError::bad_request("missing Url (or DirectPath) in payload"))?;
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ApiError::bad_request(format!("invalid Url {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.path().len() < 2 {
        return Err(ApiError::bad_request(format!(
            "invalid Url {url:?}: the media file's https:// URL"
        )));
    }
    Ok(match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_owned(),
    })
}

/// The file the request describes, and the mimetype to answer with.
fn media_ref(request: &Download, media_type: MediaType) -> Result<(MediaRef, String), ApiError> {
    let direct_path = direct_path(request)?;
    let media_key = key_field(&request.mediakey, "MediaKey")?;
    let file_enc_sha256 = key_field(&request.fileencsha256, "FileEncSHA256")?;
    let file_sha256 = key_field(&request.filesha256, "FileSHA256")?;
    let file_length = request
        .filelength
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_request("missing FileLength in payload"))?;
    let mimetype = given(&request.mimetype)
        .ok_or_else(|| ApiError::bad_request("missing Mimetype in payload"))?
        .to_owned();
    let media = MediaRef {
        direct_path,
        media_key,
        file_enc_sha256,
        file_sha256: Some(file_sha256),
        file_length: Some(file_length),
        media_type,
    };
    Ok((media, mimetype))
}

/// A failed download as an HTTP error: a file that does not match what the request says is
/// 422 naming the field that disagrees; a file the host no longer has is 404.
fn download_error(e: ClientError) -> ApiError {
    let unprocessable =
        |what: String| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, what);
    match e {
        ClientError::Media(TransferError::Media(MediaError::EncHashMismatch)) => {
            unprocessable("the downloaded file does not match FileEncSHA256".into())
        }
        ClientError::Media(TransferError::Media(MediaError::MacMismatch)) => unprocessable(
            "the file does not decrypt with this MediaKey (MAC mismatch; or not this endpoint's \
             media kind)"
                .into(),
        ),
        ClientError::Media(TransferError::Media(MediaError::PlainHashMismatch)) => {
            unprocessable("the decrypted file does not match FileSHA256".into())
        }
        ClientError::Media(TransferError::Media(inner)) => {
            unprocessable(format!("the file does not decrypt: {inner}"))
        }
        ClientError::Media(TransferError::LengthMismatch { expected, got }) => {
            unprocessable(format!("the decrypted file is {got} bytes, FileLength says {expected}"))
        }
        ClientError::Media(TransferError::TooLarge { limit }) => unprocessable(format!(
            "the media host sent more than FileLength allows ({limit} encrypted bytes)"
        )),
        ClientError::Media(TransferError::Status { status: status @ (403 | 404 | 410) }) => {
            ApiError::not_found(format!(
                "the media host does not have this file (HTTP {status}): expired or never uploaded"
            ))
        }
        ClientError::Media(other) => ApiError::upstream(format!("download failed: {other}")),
        other => client_error(other),
    }
}

async fn download(
    user: &crate::state::User,
    request: Download,
    media_type: MediaType,
) -> ApiResult {
    let (media, mimetype) = media_ref(&request, media_type)?;
    ready(user)?;
    let data = user.session.client.download(&media).await.map_err(download_error)?;
    Ok(ok(json!({ "Data": data_url::encode(&mimetype, &data), "Mimetype": mimetype })))
}

pub async fn image(UserAuth(user): UserAuth, Body(request): Body<Download>) -> ApiResult {
    download(&user, request, MediaType::Image).await
}

pub async fn video(UserAuth(user): UserAuth, Body(request): Body<Download>) -> ApiResult {
    download(&user, request, MediaType::Video).await
}

pub async fn audio(UserAuth(user): UserAuth, Body(request): Body<Download>) -> ApiResult {
    download(&user, request, MediaType::Audio).await
}

pub async fn document(UserAuth(user): UserAuth, Body(request): Body<Download>) -> ApiResult {
    download(&user, request, MediaType::Document).await
}

/// `/chat/downloadsticker`: a webhook's `stickerMessage` (or wuzapi's fields).
pub async fn sticker(UserAuth(user): UserAuth, Body(request): Body<Download>) -> ApiResult {
    download(&user, request, MediaType::Sticker).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::decode;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;

    fn request(json: serde_json::Value) -> Download {
        decode(json.to_string().as_bytes()).map_err(|e| e.message).unwrap()
    }

    fn b64(byte: u8, len: usize) -> String {
        STANDARD.encode(vec![byte; len])
    }

    #[test]
    fn takes_a_webhook_media_object_as_it_is() {
        let r = request(json!({
            "URL": "https://mmg.whatsapp.net/v/t62/x.enc?ccb=11-4&oh=1",
            "mimetype": "image/jpeg", "caption": "extra fields are ignored",
            "fileSHA256": b64(1, 32), "fileLength": 9, "mediaKey": b64(2, 32),
            "fileEncSHA256": b64(3, 32), "mediaKeyTimestamp": 1_700_000_000,
        }));
        let (media, mime) = media_ref(&r, MediaType::Image).unwrap();
        assert_eq!(media.direct_path, "/v/t62/x.enc?ccb=11-4&oh=1");
        assert_eq!((media.media_key, media.file_enc_sha256), ([2; 32], [3; 32]));
        assert_eq!((media.file_sha256, media.file_length), (Some([1; 32]), Some(9)));
        assert_eq!(mime, "image/jpeg");
        // DirectPath wins over Url.
        let r = request(json!({ "Url": "https://h/a.enc", "DirectPath": "/b.enc",
            "MediaKey": b64(2, 32), "FileEncSHA256": b64(3, 32), "FileSHA256": b64(1, 32),
            "FileLength": 1, "Mimetype": "application/pdf" }));
        assert_eq!(media_ref(&r, MediaType::Document).unwrap().0.direct_path, "/b.enc");
    }

    #[test]
    fn every_missing_or_malformed_field_is_named() {
        let full = json!({ "Url": "https://h/a.enc", "MediaKey": b64(2, 32),
            "FileEncSHA256": b64(3, 32), "FileSHA256": b64(1, 32), "FileLength": 1,
            "Mimetype": "image/png" });
        let cases = [
            ("Url", json!(null), "missing Url"),
            ("Url", json!("not a url"), "invalid Url"),
            ("Url", json!("ftp://h/a.enc"), "invalid Url"),
            ("MediaKey", json!(null), "missing MediaKey"),
            ("MediaKey", json!("!!"), "MediaKey is not valid base64"),
            ("MediaKey", json!(b64(2, 31)), "invalid MediaKey: 32 bytes expected, got 31"),
            ("FileEncSHA256", json!(""), "missing FileEncSHA256"),
            ("FileSHA256", json!(null), "missing FileSHA256"),
            ("FileLength", json!(0), "missing FileLength"),
            ("Mimetype", json!(null), "missing Mimetype"),
        ];
        for (field, value, needle) in cases {
            let mut body = full.clone();
            body[field] = value;
            let e = media_ref(&request(body), MediaType::Image).unwrap_err();
            assert_eq!(e.status.as_u16(), 400, "{field}");
            assert!(e.message.contains(needle), "{field}: {}", e.message);
        }
        let mut body = full.clone();
        body["DirectPath"] = json!("v/x.enc");
        let e = media_ref(&request(body), MediaType::Image).unwrap_err();
        assert!(e.message.contains("invalid DirectPath"), "{}", e.message);
    }

    #[test]
    fn verification_failures_name_the_field() {
        let e = download_error(ClientError::Media(TransferError::Media(MediaError::MacMismatch)));
        assert_eq!(e.status.as_u16(), 422);
        assert!(e.message.contains("MediaKey"), "{}", e.message);
        let e = download_error(ClientError::Media(TransferError::Status { status: 404 }));
        assert_eq!(e.status.as_u16(), 404);
        let e = download_error(ClientError::Media(TransferError::Status { status: 500 }));
        assert_eq!(e.status.as_u16(), 502);
        let e = download_error(ClientError::NotConnected);
        assert_eq!(e.status.as_u16(), 409);
    }
}

//! Uploads: the encrypted file is POSTed to `/mms/<mms-type>/<token>?auth=…&token=…` on a media
//! host, where `token` is the URL-safe base64 of its `fileEncSha256` and `auth` the token from
//! `media_conn`; the host answers `{"url", "direct_path"}` (whatsmeow upload.go, Baileys
//! `getWAUploadToServer`). [`UploadedMedia`] is what a media message then describes.
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;

use super::{MediaRef, TransferError};
use crate::crypto::media::MediaType;

/// An uploaded, encrypted file: everything a media message needs to describe it.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadedMedia {
    /// The full URL the host gave (old clients download from it).
    pub url: String,
    pub direct_path: String,
    pub media_key: [u8; 32],
    pub file_enc_sha256: [u8; 32],
    pub file_sha256: [u8; 32],
    /// Plaintext length.
    pub file_length: u64,
    pub media_type: MediaType,
}

impl std::fmt::Debug for UploadedMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("UploadedMedia")
            .field("direct_path", &self.direct_path)
            .field("media_type", &self.media_type)
            .field("file_length", &self.file_length)
            .finish_non_exhaustive()
    }
}

impl UploadedMedia {
    /// The same file as a download reference.
    pub fn as_ref(&self) -> MediaRef {
        MediaRef {
            direct_path: self.direct_path.clone(),
            media_key: self.media_key,
            file_enc_sha256: self.file_enc_sha256,
            file_sha256: Some(self.file_sha256),
            file_length: Some(self.file_length),
            media_type: self.media_type,
        }
    }
}

/// `scheme://host/mms/<mms-type>/<token>?auth=<auth>&token=<token>`.
pub fn upload_url(
    scheme: &str,
    host: &str,
    media_type: MediaType,
    file_enc_sha256: &[u8; 32],
    auth: &str,
) -> String {
    let token = URL_SAFE.encode(file_enc_sha256);
    format!(
        "{scheme}://{host}/mms/{mms}/{token}?auth={auth}&token={query_token}",
        mms = media_type.mms_type(),
        auth = percent_encode(auth),
        query_token = percent_encode(&token),
    )
}

/// Query-value encoding: unreserved characters (RFC 3986) as they are, the rest `%XX`.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The host's answer: `(url, direct_path)`.
pub fn parse_upload_answer(body: &[u8]) -> Result<(String, String), TransferError> {
    let bad = |what: &str| TransferError::Transfer(format!("upload answer: {what}"));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| bad("not JSON"))?;
    let url = value["url"].as_str().ok_or_else(|| bad("no url"))?.to_owned();
    let direct_path = value["direct_path"].as_str().ok_or_else(|| bad("no direct_path"))?;
    if !direct_path.starts_with('/') {
        return Err(bad("direct_path is not a path"));
    }
    Ok((url, direct_path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_carries_token_and_auth() {
        let url = upload_url("https", "mmg.whatsapp.net", MediaType::Image, &[0xfb; 32], "a+b/c=");
        assert_eq!(
            url,
            "https://mmg.whatsapp.net/mms/image/-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s=\
             ?auth=a%2Bb%2Fc%3D&token=-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s%3D"
        );
    }

    #[test]
    fn reads_the_answer() {
        let body = br#"{"url":"https://mmg/x.enc","direct_path":"/v/x.enc?ccb=1"}"#;
        assert_eq!(
            parse_upload_answer(body).unwrap(),
            ("https://mmg/x.enc".to_owned(), "/v/x.enc?ccb=1".to_owned())
        );
        for bad in [&b"nope"[..], br#"{"url":"u"}"#, br#"{"url":"u","direct_path":"http://x"}"#] {
            assert!(matches!(parse_upload_answer(bad), Err(TransferError::Transfer(_))));
        }
    }
}

//! The download URL of a file: the host from `media_conn`, the file's direct path, then the
//! query WhatsApp Web adds (`hash` = URL-safe base64 of `fileEncSha256`, `mms-type`,
//! `__wa-mms`; whatsmeow download.go `DownloadMediaWithPath`).
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;

use super::MediaRef;

/// `scheme://host{direct_path}&hash=…&mms-type=…&__wa-mms=`. Direct paths already carry a
/// query (`?ccb=…`); one without gets `?` instead of the first `&`.
pub fn download_url(scheme: &str, host: &str, media: &MediaRef) -> String {
    let separator = if media.direct_path.contains('?') { '&' } else { '?' };
    format!(
        "{scheme}://{host}{path}{separator}hash={hash}&mms-type={mms}&__wa-mms=",
        path = media.direct_path,
        hash = URL_SAFE.encode(media.file_enc_sha256),
        mms = media.media_type.mms_type(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::media::MediaType;

    fn media(path: &str) -> MediaRef {
        MediaRef {
            direct_path: path.into(),
            media_key: [1; 32],
            file_enc_sha256: [0xfb; 32],
            file_sha256: None,
            file_length: None,
            media_type: MediaType::History,
        }
    }

    #[test]
    fn appends_the_web_query() {
        let url = download_url("https", "mmg.whatsapp.net", &media("/v/t62/x.enc?ccb=11-4"));
        assert_eq!(
            url,
            "https://mmg.whatsapp.net/v/t62/x.enc?ccb=11-4\
             &hash=-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s=&mms-type=md-msg-hist&__wa-mms="
        );
    }

    #[test]
    fn a_path_without_query_gets_one() {
        let url = download_url("http", "127.0.0.1:9", &media("/v/x.enc"));
        assert!(url.starts_with("http://127.0.0.1:9/v/x.enc?hash="), "{url}");
    }
}

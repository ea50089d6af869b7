//! Uploading media: encrypt with a fresh media key (blocking pool), then POST the encrypted
//! file to the media hosts from `media_conn`, each in turn until one takes it.
use super::media_conn::media_conn;
use super::{ClientError, Inner};
use crate::crypto::media::{encrypt, generate_media_key, MediaType};
use crate::media::http;
use crate::media::{parse_upload_answer, upload_url, TransferError, UploadedMedia};

pub(crate) async fn upload(
    inner: &Inner,
    data: Vec<u8>,
    media_type: MediaType,
) -> Result<UploadedMedia, ClientError> {
    let conn = media_conn(inner, false).await?;
    let client = inner.http()?;
    let media_key = generate_media_key();
    let (encrypted, info) = super::blocking(move || encrypt(&data, &media_key, media_type)).await?;
    let mut last = TransferError::NoHost;
    for host in &conn.hosts {
        let scheme = inner.config.media_scheme();
        let url = upload_url(scheme, host, media_type, &info.file_enc_sha256, &conn.auth);
        match http::post(&client, &url, &inner.config.origin, encrypted.clone()).await {
            Ok(answer) => {
                let (url, direct_path) = parse_upload_answer(&answer)?;
                return Ok(UploadedMedia {
                    url,
                    direct_path,
                    media_key,
                    file_enc_sha256: info.file_enc_sha256,
                    file_sha256: info.file_sha256,
                    file_length: info.file_length,
                    media_type,
                });
            }
            Err(e) if e.is_transient() => {
                tracing::warn!(%host, error = %e, "media upload failed; next host");
                last = e;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.into())
}

//! Downloading media: ask for the media hosts, GET the file from each host in turn (retrying
//! transient failures a few times with a growing pause), then verify and decrypt it on the
//! blocking pool. Like whatsmeow, a 403/404/410 or a file that fails its checks ends the
//! attempt: the file is gone, or not what the message promised.
use std::time::Duration;

use super::media_conn::media_conn;
use super::{ClientError, Inner};
use crate::crypto::media::{decrypt, MediaError};
use crate::media::http::{self, MAX_UNKNOWN_SIZE};
use crate::media::{download_url, MediaRef, TransferError};

/// Tries per host for transient failures.
const ATTEMPTS_PER_HOST: u32 = 3;

impl Inner {
    /// The HTTP client, made on first use.
    pub(crate) fn http(&self) -> Result<reqwest::Client, ClientError> {
        if let Some(client) = self.http.get() {
            return Ok(client.clone());
        }
        let proxy = self.config.proxy.as_ref().map(http::reqwest_proxy).transpose()?;
        let client = http::build(self.config.connect_timeout, proxy)?;
        Ok(self.http.get_or_init(|| client).clone())
    }
}

/// Fetches, verifies and decrypts `media`.
pub(crate) async fn download(inner: &Inner, media: &MediaRef) -> Result<Vec<u8>, ClientError> {
    let hosts = media_conn(inner, false).await?.hosts;
    let client = inner.http()?;
    let limit = media.max_transfer().unwrap_or(MAX_UNKNOWN_SIZE);
    let mut last = TransferError::NoHost;
    for host in &hosts {
        let url = download_url(inner.config.media_scheme(), host, media);
        for attempt in 1..=ATTEMPTS_PER_HOST {
            match http::get(&client, &url, &inner.config.origin, limit).await {
                Ok(body) => match decrypt_blocking(media, body).await? {
                    // Another host may hold an intact copy.
                    Err(TransferError::Media(MediaError::EncHashMismatch)) => {
                        last = TransferError::Media(MediaError::EncHashMismatch);
                        break;
                    }
                    result => return Ok(result?),
                },
                Err(e) if e.is_transient() => {
                    tracing::warn!(%host, attempt, error = %e, "media download failed");
                    last = e;
                    if attempt < ATTEMPTS_PER_HOST {
                        tokio::time::sleep(Duration::from_secs(attempt.into())).await;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Err(last.into())
}

async fn decrypt_blocking(
    media: &MediaRef,
    body: Vec<u8>,
) -> Result<Result<Vec<u8>, TransferError>, ClientError> {
    let media = media.clone();
    super::blocking(move || {
        let plain = decrypt(&body, &media.media_key, media.media_type, media.expected())?;
        match media.file_length {
            Some(expected) if expected != plain.len() as u64 => {
                Err(TransferError::LengthMismatch { expected, got: plain.len() as u64 })
            }
            _ => Ok(plain),
        }
    })
    .await
}

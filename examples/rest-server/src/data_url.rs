//! `data:` URLs (RFC 2397), the way wuzapi's API carries files: `data:<mime>;base64,<bytes>`
//! in the request (`Image`, `Document`…) and in the answer of `/chat/download*`.
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use thiserror::Error;

/// A decoded `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataUrl {
    /// The media type as written, parameters included (`audio/ogg;codecs=opus`); empty when
    /// the URL names none.
    pub mime: String,
    pub data: Vec<u8>,
}

/// Why a string is not a usable `data:` URL.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DataUrlError {
    #[error("is not a data URL (data:<mime>;base64,…)")]
    NotDataUrl,
    #[error("is not base64-encoded (data:<mime>;base64,…)")]
    NotBase64Url,
    #[error("is not valid base64: {0}")]
    BadBase64(String),
    #[error("holds no data")]
    Empty,
    #[error("must be a data:{expected}… URL, not data:{got}")]
    WrongKind { expected: &'static str, got: String },
}

impl DataUrl {
    /// The media type without parameters, lowercased (`audio/ogg`).
    pub fn essence(&self) -> String {
        self.mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
    }
}

/// Decodes `text` as a base64 `data:` URL whose media type starts with `kind` (`"image/"`;
/// `""` accepts any).
pub fn parse(text: &str, kind: &'static str) -> Result<DataUrl, DataUrlError> {
    let text = text.trim();
    let rest = text
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("data:"))
        .map(|_| &text[5..])
        .ok_or(DataUrlError::NotDataUrl)?;
    let (header, payload) = rest.split_once(',').ok_or(DataUrlError::NotDataUrl)?;
    let mime = match header.rsplit_once(';') {
        Some((mime, marker)) if marker.trim().eq_ignore_ascii_case("base64") => mime.trim(),
        _ => return Err(DataUrlError::NotBase64Url),
    };
    let essence = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !essence.starts_with(kind) {
        return Err(DataUrlError::WrongKind { expected: kind, got: mime.to_owned() });
    }
    let data = base64(payload).map_err(DataUrlError::BadBase64)?;
    if data.is_empty() {
        return Err(DataUrlError::Empty);
    }
    Ok(DataUrl { mime: mime.to_owned(), data })
}

/// Standard base64, padded or not, ignoring line breaks and spaces (long data URLs are
/// sometimes wrapped).
pub fn base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| STANDARD_NO_PAD.decode(compact.trim_end_matches('=').as_bytes()))
        .map_err(|e| e.to_string())
}

/// `data:<mime>;base64,<data>`. Spaces in the media type's parameters are dropped
/// (`audio/ogg; codecs=opus` → `audio/ogg;codecs=opus`): a URL holds no spaces.
pub fn encode(mime: &str, data: &[u8]) -> String {
    let mime: String = mime.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    format!("data:{mime};base64,{}", STANDARD.encode(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_wuzapi_clients_send() {
        let url = parse("data:application/octet-stream;base64,aG9sYSBxdWUgdGFsCg==", "").unwrap();
        assert_eq!(url.mime, "application/octet-stream");
        assert_eq!(url.data, b"hola que tal\n");
        let url = parse("data:audio/ogg; codecs=opus;base64,T2dnUw", "audio/").unwrap();
        assert_eq!((url.essence().as_str(), url.data.as_slice()), ("audio/ogg", &b"OggS"[..]));
        let wrapped = parse("DATA:image/png;BASE64,iVBO\nRw0K", "image/").unwrap();
        assert_eq!(wrapped.data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]);
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(parse("aGk=", "image/"), Err(DataUrlError::NotDataUrl));
        assert_eq!(parse("data:image/png;base64", "image/"), Err(DataUrlError::NotDataUrl));
        assert_eq!(parse("data:image/png,hi", "image/"), Err(DataUrlError::NotBase64Url));
        assert!(matches!(
            parse("data:image/png;base64,@@", "image/"),
            Err(DataUrlError::BadBase64(_))
        ));
        assert_eq!(parse("data:image/png;base64,", "image/"), Err(DataUrlError::Empty));
        assert_eq!(
            parse("data:text/plain;base64,aGk=", "image/"),
            Err(DataUrlError::WrongKind { expected: "image/", got: "text/plain".into() })
        );
        // Unicode before the comma must not split a character.
        assert_eq!(parse("dätä:x", ""), Err(DataUrlError::NotDataUrl));
    }

    #[test]
    fn encodes_without_spaces() {
        assert_eq!(
            encode("audio/ogg; codecs=opus", b"OggS"),
            "data:audio/ogg;codecs=opus;base64,T2dnUw=="
        );
        let back = parse(&encode("image/png", &[1, 2, 3]), "image/").unwrap();
        assert_eq!(back.data, [1, 2, 3]);
    }
}

//! QR pairing codes. For each `<ref>` of a `pair-device` iq the companion shows
//! `https://wa.me/settings/linked_devices#<ref>,<noise pub>,<identity pub>,<adv secret>,<type>`
//! (keys in standard padded base64). Current whatsmeow (pair.go `makeQRData`) and Baileys
//! (companion-reg-client-utils.ts `buildPairingQRData`) both add the link prefix, so a phone's
//! camera app opens WhatsApp, and the client-type suffix; older clients sent only the four fields,
//! which [`QrData::parse`] still accepts.
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use thiserror::Error;

use crate::crypto::PublicKey;
use crate::proto::device_props::PlatformType;

/// What current clients put before the comma-separated fields.
pub const QR_LINK_PREFIX: &str = "https://wa.me/settings/linked_devices#";
/// How long the first ref is shown (Baileys socket.ts `qrTimeout || 60_000`).
pub const FIRST_QR_TIMEOUT: Duration = Duration::from_secs(60);
/// How long each later ref is shown.
pub const NEXT_QR_TIMEOUT: Duration = Duration::from_secs(20);

/// How long the QR code for the `index`-th ref (from 0) stays valid.
pub fn qr_timeout(index: usize) -> Duration {
    if index == 0 {
        FIRST_QR_TIMEOUT
    } else {
        NEXT_QR_TIMEOUT
    }
}

/// The companion kind in the QR suffix and in `companion_platform_id` of a pairing-code request
/// (whatsmeow pair-code.go `PairClientType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompanionClientType {
    Unknown,
    Chrome,
    Edge,
    Firefox,
    Ie,
    Opera,
    Safari,
    Electron,
    Uwp,
    OtherWebClient,
    MacOs,
    Android,
}

impl CompanionClientType {
    /// The character on the wire.
    pub fn as_char(self) -> char {
        match self {
            Self::Unknown => '0',
            Self::Chrome => '1',
            Self::Edge => '2',
            Self::Firefox => '3',
            Self::Ie => '4',
            Self::Opera => '5',
            Self::Safari => '6',
            Self::Electron => '7',
            Self::Uwp => '8',
            Self::OtherWebClient => '9',
            Self::MacOs => 'c',
            Self::Android => 'e',
        }
    }

    pub fn from_char(c: char) -> Option<Self> {
        Some(match c {
            '0' => Self::Unknown,
            '1' => Self::Chrome,
            '2' => Self::Edge,
            '3' => Self::Firefox,
            '4' => Self::Ie,
            '5' => Self::Opera,
            '6' => Self::Safari,
            '7' => Self::Electron,
            '8' => Self::Uwp,
            '9' => Self::OtherWebClient,
            'c' => Self::MacOs,
            'e' => Self::Android,
            _ => return None,
        })
    }

    /// The type a web companion with these device props announces (whatsmeow
    /// `getQRClientType`; our user agent is always WEB, hence OtherWebClient as the fallback).
    pub fn from_platform(platform: PlatformType) -> Self {
        match platform {
            PlatformType::Chrome => Self::Chrome,
            PlatformType::Firefox => Self::Firefox,
            PlatformType::Edge => Self::Edge,
            PlatformType::Ie => Self::Ie,
            PlatformType::Opera => Self::Opera,
            PlatformType::Safari => Self::Safari,
            PlatformType::Uwp => Self::Uwp,
            PlatformType::AndroidPhone => Self::Android,
            _ => Self::OtherWebClient,
        }
    }
}

/// Why a QR string was rejected.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum QrError {
    #[error("a QR code has 4 or 5 comma-separated fields, got {0}")]
    FieldCount(usize),
    #[error("the QR ref is empty")]
    EmptyRef,
    #[error("QR field {field} is not standard base64")]
    Base64 { field: &'static str },
    #[error("QR field {field} must decode to 32 bytes, got {got}")]
    KeyLength { field: &'static str, got: usize },
    #[error("unknown QR client type {0:?}")]
    UnknownClientType(String),
}

/// The contents of a pairing QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrData {
    /// The server's ref (the content of one `<ref>`).
    pub reference: String,
    /// The companion's Noise static key: the server will see it in the handshake.
    pub noise_public: PublicKey,
    /// The companion's Signal identity key: the phone signs it.
    pub identity_public: PublicKey,
    /// The secret the phone keys the pair-success HMAC with.
    pub adv_secret: [u8; 32],
    /// `None` for the old four-field form.
    pub client_type: Option<CompanionClientType>,
}

impl QrData {
    /// The string to render as a QR code: with the link prefix when a client type is set (the
    /// current form), the bare four fields otherwise. Server refs never contain commas; one that
    /// did would not parse back.
    pub fn to_qr_string(&self) -> String {
        let fields = format!(
            "{},{},{},{}",
            self.reference,
            STANDARD.encode(self.noise_public.0),
            STANDARD.encode(self.identity_public.0),
            STANDARD.encode(self.adv_secret),
        );
        match self.client_type {
            Some(t) => format!("{QR_LINK_PREFIX}{fields},{}", t.as_char()),
            None => fields,
        }
    }

    /// Parses either form, with or without the link prefix.
    pub fn parse(qr: &str) -> Result<Self, QrError> {
        let body = qr.trim();
        let body = body.strip_prefix(QR_LINK_PREFIX).unwrap_or(body);
        let fields: Vec<&str> = body.split(',').collect();
        if !(4..=5).contains(&fields.len()) {
            return Err(QrError::FieldCount(fields.len()));
        }
        if fields[0].is_empty() {
            return Err(QrError::EmptyRef);
        }
        let key = |field: &'static str, text: &str| -> Result<[u8; 32], QrError> {
            let bytes = STANDARD.decode(text).map_err(|_| QrError::Base64 { field })?;
            let got = bytes.len();
            bytes.try_into().map_err(|_| QrError::KeyLength { field, got })
        };
        let client_type = match fields.get(4) {
            None => None,
            Some(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(
                        CompanionClientType::from_char(c)
                            .ok_or_else(|| QrError::UnknownClientType((*s).to_owned()))?,
                    ),
                    _ => return Err(QrError::UnknownClientType((*s).to_owned())),
                }
            }
        };
        Ok(Self {
            reference: fields[0].to_owned(),
            noise_public: PublicKey(key("noise key", fields[1])?),
            identity_public: PublicKey(key("identity key", fields[2])?),
            adv_secret: key("adv secret", fields[3])?,
            client_type,
        })
    }
}

/// The current-form QR string for one ref (see [`QrData::to_qr_string`]).
pub fn qr_string(
    reference: &str,
    noise_public: &PublicKey,
    identity_public: &PublicKey,
    adv_secret: &[u8; 32],
    client_type: CompanionClientType,
) -> String {
    QrData {
        reference: reference.to_owned(),
        noise_public: *noise_public,
        identity_public: *identity_public,
        adv_secret: *adv_secret,
        client_type: Some(client_type),
    }
    .to_qr_string()
}

/// The phone side: parses a scanned QR string.
pub fn parse_qr(qr: &str) -> Result<QrData, QrError> {
    QrData::parse(qr)
}

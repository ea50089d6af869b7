//! The WhatsApp Web version a client announces. The server refuses versions it considers too old
//! (failure 405 "client outdated"), so the default goes stale and the value is configurable.
use std::fmt;
use std::str::FromStr;

use md5::{Digest, Md5};
use thiserror::Error;

use crate::proto::client_payload::user_agent::AppVersion;

/// A three-part web client version, e.g. `2.3000.1045649367`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebVersion {
    pub primary: u32,
    pub secondary: u32,
    pub tertiary: u32,
}

impl WebVersion {
    /// The version whatsmeow announced at commit 33cfac51 (store/clientpayload.go, "proto: update
    /// to v1045649367"). Newer than Baileys' default at 78e7e4e2 (2.3000.1035194821).
    pub const CURRENT: WebVersion = WebVersion::new(2, 3000, 1_045_649_367);

    pub const fn new(primary: u32, secondary: u32, tertiary: u32) -> Self {
        Self { primary, secondary, tertiary }
    }

    /// `buildHash` of the registration payload: MD5 of the dotted version string.
    pub fn build_hash(&self) -> [u8; 16] {
        Md5::digest(self.to_string().as_bytes()).into()
    }

    /// The `userAgent.appVersion` field.
    pub fn app_version(&self) -> AppVersion {
        AppVersion {
            primary: Some(self.primary),
            secondary: Some(self.secondary),
            tertiary: Some(self.tertiary),
            quaternary: None,
            quinary: None,
        }
    }
}

impl Default for WebVersion {
    fn default() -> Self {
        Self::CURRENT
    }
}

impl fmt::Display for WebVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.primary, self.secondary, self.tertiary)
    }
}

/// Why a version string could not be parsed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum VersionParseError {
    #[error("a web version has three dot-separated parts, got {0}")]
    PartCount(usize),
    #[error("version part {part:?} is not a 32-bit unsigned number")]
    NotANumber { part: String },
}

impl FromStr for WebVersion {
    type Err = VersionParseError;

    /// Parses `"2.3000.1045649367"` (the form whatsmeow's `ParseVersion` and Baileys' version
    /// fetchers use).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.trim().split('.').collect();
        if parts.len() != 3 {
            return Err(VersionParseError::PartCount(parts.len()));
        }
        let num = |p: &str| {
            p.parse::<u32>().map_err(|_| VersionParseError::NotANumber { part: p.to_owned() })
        };
        Ok(Self::new(num(parts[0])?, num(parts[1])?, num(parts[2])?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_displays_and_hashes() {
        let v: WebVersion = "2.3000.1019707846".parse().unwrap();
        assert_eq!(v, WebVersion::new(2, 3000, 1_019_707_846));
        assert_eq!(v.to_string(), "2.3000.1019707846");
        // noise.json's registration payload carries buildHash HCSzKSXabfGx1nK2HeTyOA== for it.
        assert_eq!(
            v.build_hash(),
            [
                0x1c, 0x24, 0xb3, 0x29, 0x25, 0xda, 0x6d, 0xf1, 0xb1, 0xd6, 0x72, 0xb6, 0x1d, 0xe4,
                0xf2, 0x38
            ]
        );
        assert_eq!("2.3000".parse::<WebVersion>(), Err(VersionParseError::PartCount(2)));
        assert!(matches!(
            "2.x.3".parse::<WebVersion>(),
            Err(VersionParseError::NotANumber { part }) if part == "x"
        ));
        assert!("2.3000.99999999999".parse::<WebVersion>().is_err());
    }
}

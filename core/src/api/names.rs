//! The one spelling of every enum that crosses a binding: `FromStr`, `Display` and serde all
//! read the tables here, so C, Python, Node, REST and the event JSON cannot drift apart.
//! A name that is not in a table is refused with the list of those that are.
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::client::{ChatState, ChatStateMedia, Presence};
use crate::pair::CompanionClientType;
use crate::types::{
    BlocklistAction, MessageKind, ParticipantAction, PrivacyCategory, PrivacyValue, ReceiptType,
};

/// A name that none of an enum's spellings match.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant `{given}` for {what}, expected one of {}", quoted(expected))]
pub struct UnknownName {
    /// What was being named (`presence`, `receipt type`…).
    pub what: &'static str,
    pub given: String,
    pub expected: &'static [&'static str],
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// `Display`, `FromStr` and serde (as the string) for an enum whose spellings `names` gives.
macro_rules! spelled {
    ($ty:ty, $what:literal, { $($variant:path => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every spelling, as `FromStr` takes them.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The one spelling of this value.
            pub fn name(&self) -> &'static str {
                match self {
                    $($variant => $name,)+
                }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, UnknownName> {
                match text {
                    $($name => Ok($variant),)+
                    other => Err(UnknownName {
                        what: $what,
                        given: other.to_owned(),
                        expected: Self::NAMES,
                    }),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(de::Error::custom)
            }
        }

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.name() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.name() == *other
            }
        }
    };
}

spelled!(Presence, "presence", {
    Presence::Available => "available",
    Presence::Unavailable => "unavailable",
});

spelled!(ChatState, "chat state", {
    ChatState::Composing => "composing",
    ChatState::Paused => "paused",
});

spelled!(ChatStateMedia, "chat state media", {
    ChatStateMedia::Text => "text",
    ChatStateMedia::Audio => "audio",
});

spelled!(CompanionClientType, "client type", {
    CompanionClientType::Unknown => "unknown",
    CompanionClientType::Chrome => "chrome",
    CompanionClientType::Edge => "edge",
    CompanionClientType::Firefox => "firefox",
    CompanionClientType::Ie => "ie",
    CompanionClientType::Opera => "opera",
    CompanionClientType::Safari => "safari",
    CompanionClientType::Electron => "electron",
    CompanionClientType::Uwp => "uwp",
    CompanionClientType::OtherWebClient => "other_web_client",
    CompanionClientType::MacOs => "macos",
    CompanionClientType::Android => "android",
});

spelled!(ParticipantAction, "participant action", {
    ParticipantAction::Add => "add",
    ParticipantAction::Remove => "remove",
    ParticipantAction::Promote => "promote",
    ParticipantAction::Demote => "demote",
});

spelled!(BlocklistAction, "blocklist action", {
    BlocklistAction::Block => "block",
    BlocklistAction::Unblock => "unblock",
});

spelled!(PrivacyCategory, "privacy setting", {
    PrivacyCategory::LastSeen => "last",
    PrivacyCategory::Online => "online",
    PrivacyCategory::Profile => "profile",
    PrivacyCategory::Status => "status",
    PrivacyCategory::ReadReceipts => "readreceipts",
    PrivacyCategory::GroupAdd => "groupadd",
    PrivacyCategory::CallAdd => "calladd",
    PrivacyCategory::Messages => "messages",
});

spelled!(PrivacyValue, "privacy value", {
    PrivacyValue::All => "all",
    PrivacyValue::Contacts => "contacts",
    PrivacyValue::ContactAllowlist => "contact_allowlist",
    PrivacyValue::ContactBlacklist => "contact_blacklist",
    PrivacyValue::MatchLastSeen => "match_last_seen",
    PrivacyValue::Known => "known",
    PrivacyValue::None => "none",
    PrivacyValue::OnStandard => "on_standard",
    PrivacyValue::Off => "off",
});

spelled!(MessageKind, "message kind", {
    MessageKind::Text => "text",
    MessageKind::Reaction => "reaction",
    MessageKind::Edit => "edit",
    MessageKind::Revoke => "revoke",
    MessageKind::Protocol => "protocol",
    MessageKind::Image => "image",
    MessageKind::Video => "video",
    MessageKind::Audio => "audio",
    MessageKind::Document => "document",
    MessageKind::Sticker => "sticker",
    MessageKind::Location => "location",
    MessageKind::Contact => "contact",
    MessageKind::Poll => "poll",
    MessageKind::PollVote => "poll_vote",
    MessageKind::Other => "other",
});

/// Receipt types are spelled as the stanza's `type` (`delivered` for the untyped delivery
/// receipt); a type this version does not know stays verbatim.
impl ReceiptType {
    /// The receipts an application sends itself ([`crate::Client::send_receipt`]).
    pub const SENDABLE: &'static [&'static str] = &["read", "read-self", "played", "played-self"];

    /// The one spelling of this receipt type.
    pub fn name(&self) -> &str {
        self.as_attr().unwrap_or("delivered")
    }

    /// A receipt type an application may send (one of [`ReceiptType::SENDABLE`]).
    pub fn sendable(text: &str) -> Result<Self, UnknownName> {
        if Self::SENDABLE.contains(&text) {
            Ok(Self::from_attr(Some(text)))
        } else {
            Err(UnknownName {
                what: "receipt type",
                given: text.to_owned(),
                expected: Self::SENDABLE,
            })
        }
    }
}

impl FromStr for ReceiptType {
    type Err = std::convert::Infallible;

    /// Any spelling: `delivered` (or nothing) is a delivery receipt, the rest the stanza's.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text {
            "delivered" => Self::Delivered,
            other => Self::from_attr(Some(other)),
        })
    }
}

impl fmt::Display for ReceiptType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ReceiptType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for ReceiptType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(text.parse().unwrap_or_else(|never| match never {}))
    }
}

impl PartialEq<str> for ReceiptType {
    fn eq(&self, other: &str) -> bool {
        self.name() == other
    }
}

impl PartialEq<&str> for ReceiptType {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T>(names: &[&str])
    where
        T: FromStr + fmt::Display + Serialize + for<'de> Deserialize<'de>,
        T::Err: fmt::Debug,
    {
        for name in names {
            let value: T = name.parse().unwrap();
            assert_eq!(value.to_string(), *name);
            let json = serde_json::to_string(&value).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap().to_string(), *name);
        }
    }

    #[test]
    fn every_spelling_round_trips() {
        round_trip::<Presence>(Presence::NAMES);
        round_trip::<ChatState>(ChatState::NAMES);
        round_trip::<ChatStateMedia>(ChatStateMedia::NAMES);
        round_trip::<CompanionClientType>(CompanionClientType::NAMES);
        round_trip::<ParticipantAction>(ParticipantAction::NAMES);
        round_trip::<MessageKind>(MessageKind::NAMES);
        round_trip::<BlocklistAction>(BlocklistAction::NAMES);
        round_trip::<PrivacyCategory>(PrivacyCategory::NAMES);
        round_trip::<PrivacyValue>(PrivacyValue::NAMES);
        round_trip::<ReceiptType>(&["delivered", "read", "read-self", "played", "sender", "x-new"]);
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let error = "busy".parse::<Presence>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown variant `busy` for presence, expected one of `available`, `unavailable`"
        );
        let error = serde_json::from_str::<ParticipantAction>("\"kick\"").unwrap_err();
        assert!(error.to_string().contains("unknown variant `kick`"), "{error}");
        assert!(ReceiptType::sendable("seen").is_err());
        assert_eq!(ReceiptType::sendable("played").unwrap(), ReceiptType::Played);
        assert!(ReceiptType::sendable("delivered").is_err(), "delivery receipts are automatic");
    }

    #[test]
    fn values_compare_with_their_spelling() {
        assert!(ReceiptType::ReadSelf == "read-self");
        assert!(ChatState::Composing == "composing");
        assert!(MessageKind::Text == "text");
    }
}

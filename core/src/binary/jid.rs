//! WhatsApp addresses (JIDs): `user[.agent][:device]@server`.
//!
//! The text forms follow whatsmeow (types/jid.go) for devices and agents, and Baileys for
//! server-only JIDs (`@s.whatsapp.net`) and interop JIDs (`integrator-user:device@interop`), so
//! that the text of a JID encodes to the same wire bytes as the typed value.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// The server (domain) part of a JID.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Server {
    /// `s.whatsapp.net`: users addressed by phone number ("PN").
    Pn,
    /// `lid`: users addressed by their hidden, phone-number-free id.
    Lid,
    /// `g.us`: groups.
    Group,
    /// `broadcast`: broadcast lists and `status@broadcast`.
    Broadcast,
    /// `c.us`: the legacy user server.
    LegacyUser,
    /// `newsletter`: channels.
    Newsletter,
    /// `hosted`: Cloud-API hosted business devices (PN side).
    Hosted,
    /// `hosted.lid`: hosted business devices (LID side).
    HostedLid,
    /// `msgr`: Messenger users (FB_JID on the wire).
    Messenger,
    /// `interop`: interoperability users (INTEROP_JID on the wire).
    Interop,
    /// `bot`: Meta AI and other bots.
    Bot,
    /// `call`: call links.
    Call,
    /// Any other server, kept verbatim.
    Other(Box<str>),
}

impl Server {
    pub fn parse(s: &str) -> Server {
        match s {
            "s.whatsapp.net" => Server::Pn,
            "lid" => Server::Lid,
            "g.us" => Server::Group,
            "broadcast" => Server::Broadcast,
            "c.us" => Server::LegacyUser,
            "newsletter" => Server::Newsletter,
            "hosted" => Server::Hosted,
            "hosted.lid" => Server::HostedLid,
            "msgr" => Server::Messenger,
            "interop" => Server::Interop,
            "bot" => Server::Bot,
            "call" => Server::Call,
            other => Server::Other(other.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Server::Pn => "s.whatsapp.net",
            Server::Lid => "lid",
            Server::Group => "g.us",
            Server::Broadcast => "broadcast",
            Server::LegacyUser => "c.us",
            Server::Newsletter => "newsletter",
            Server::Hosted => "hosted",
            Server::HostedLid => "hosted.lid",
            Server::Messenger => "msgr",
            Server::Interop => "interop",
            Server::Bot => "bot",
            Server::Call => "call",
            Server::Other(s) => s,
        }
    }

    /// The AD_JID domain byte for servers that have one (whatsmeow `ActualAgent`).
    pub fn domain(&self) -> Option<u8> {
        match self {
            Server::Pn => Some(0),
            Server::Lid => Some(1),
            Server::Hosted => Some(128),
            Server::HostedLid => Some(129),
            _ => None,
        }
    }
}

impl fmt::Display for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a JID.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JidError {
    #[error("empty JID")]
    Empty,
    #[error("JID {0:?} has more than one '@'")]
    MultipleAt(String),
    #[error("JID {0:?} has an empty server")]
    EmptyServer(String),
    #[error("JID {0:?} has an invalid agent (expected 0-255 after '.')")]
    InvalidAgent(String),
    #[error("JID {0:?} has an invalid device (expected 0-65535 after ':')")]
    InvalidDevice(String),
    #[error("JID {0:?} has an invalid integrator (expected 0-65535 before '-')")]
    InvalidIntegrator(String),
    /// Not usable as an address (see [`Jid::parse_address`]); the reason, if the text looked
    /// like a JID, follows.
    #[error("{text:?} is neither a JID nor a phone number{}", reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default())]
    NotAnAddress { text: String, reason: Option<String> },
}

/// A WhatsApp address. `device` 0 is the main device; `agent` is the raw agent of the
/// `user.agent:device` form; `integrator` is only used by interop JIDs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jid {
    pub user: String,
    pub agent: u8,
    pub device: u16,
    pub integrator: u16,
    pub server: Server,
}

impl Jid {
    /// `user@server`.
    pub fn new(user: impl Into<String>, server: Server) -> Jid {
        Jid { user: user.into(), agent: 0, device: 0, integrator: 0, server }
    }

    /// A phone-number user: `user@s.whatsapp.net`.
    pub fn pn(user: impl Into<String>) -> Jid {
        Jid::new(user, Server::Pn)
    }

    /// A LID user: `user@lid`.
    pub fn lid(user: impl Into<String>) -> Jid {
        Jid::new(user, Server::Lid)
    }

    /// A group: `id@g.us`.
    pub fn group(id: impl Into<String>) -> Jid {
        Jid::new(id, Server::Group)
    }

    /// A server without user, such as `@s.whatsapp.net` (the usual `to` of an iq).
    pub fn server_only(server: Server) -> Jid {
        Jid::new(String::new(), server)
    }

    /// `status@broadcast`, where status updates go.
    pub fn status_broadcast() -> Jid {
        Jid::new("status", Server::Broadcast)
    }

    /// The same JID on another device.
    pub fn with_device(mut self, device: u16) -> Jid {
        self.device = device;
        self
    }

    /// The same JID with a raw agent (the `.agent` of `user.agent:device`).
    pub fn with_agent(mut self, agent: u8) -> Jid {
        self.agent = agent;
        self
    }

    /// The user's JID without agent and device (whatsmeow `ToNonAD`).
    pub fn to_non_ad(&self) -> Jid {
        Jid {
            user: self.user.clone(),
            agent: 0,
            device: 0,
            integrator: self.integrator,
            server: self.server.clone(),
        }
    }

    /// Same as [`Jid::to_non_ad`]: the account behind a device JID.
    pub fn user_jid(&self) -> Jid {
        self.to_non_ad()
    }

    /// Whether this names a specific device or agent (AD JID).
    pub fn is_ad(&self) -> bool {
        self.device != 0 || self.agent != 0
    }

    pub fn is_group(&self) -> bool {
        self.server == Server::Group
    }

    pub fn is_pn(&self) -> bool {
        self.server == Server::Pn
    }

    pub fn is_lid(&self) -> bool {
        self.server == Server::Lid
    }

    pub fn is_newsletter(&self) -> bool {
        self.server == Server::Newsletter
    }

    pub fn is_status_broadcast(&self) -> bool {
        self.server == Server::Broadcast && self.user == "status"
    }

    /// A broadcast list (not `status@broadcast`).
    pub fn is_broadcast_list(&self) -> bool {
        self.server == Server::Broadcast && self.user != "status"
    }

    /// Only a server, no user (`@s.whatsapp.net`).
    pub fn is_server(&self) -> bool {
        self.user.is_empty() && !self.is_ad()
    }

    /// The agent byte as WhatsApp uses it: the domain for PN, LID and hosted servers, the raw
    /// agent otherwise (whatsmeow `ActualAgent`).
    pub fn actual_agent(&self) -> u8 {
        self.server.domain().unwrap_or(self.agent)
    }

    /// The user part of the Signal address: `user` or `user_agent` (a LID user is `user_1`).
    pub fn signal_user(&self) -> String {
        match self.actual_agent() {
            0 => self.user.clone(),
            agent => format!("{}_{agent}", self.user),
        }
    }

    /// The Signal protocol address `user[_agent]:device` (sessions and identities are stored
    /// under it).
    pub fn signal_address(&self) -> String {
        format!("{}:{}", self.signal_user(), self.device)
    }

    /// `user.agent:device@server` with every part written out (used by the participant hash).
    pub fn ad_string(&self) -> String {
        format!("{}.{}:{}@{}", self.user, self.agent, self.device, self.server)
    }
}

impl fmt::Display for Jid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.integrator != 0 {
            write!(f, "{}-", self.integrator)?;
        }
        f.write_str(&self.user)?;
        if self.agent != 0 {
            write!(f, ".{}:{}", self.agent, self.device)?;
        } else if self.device != 0 {
            write!(f, ":{}", self.device)?;
        }
        write!(f, "@{}", self.server)
    }
}

impl Jid {
    /// An address as applications write it: a full JID with a user (`…@s.whatsapp.net`,
    /// `…@g.us`, `…@lid`) or a phone number (digits, an optional leading `+`). What the
    /// language bindings take wherever a chat or user is expected.
    pub fn parse_address(text: &str) -> Result<Jid, JidError> {
        let number = text.strip_prefix('+').unwrap_or(text);
        if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Jid::pn(number));
        }
        let not_an_address = |reason| JidError::NotAnAddress { text: text.to_owned(), reason };
        match text.parse::<Jid>() {
            Ok(jid) if !jid.user.is_empty() && text.contains('@') => Ok(jid),
            Ok(_) => Err(not_an_address(None)),
            Err(e) => Err(not_an_address(Some(e.to_string()))),
        }
    }
}

impl FromStr for Jid {
    type Err = JidError;

    /// Parses `user@server`, `user:device@server`, `user.agent:device@server`,
    /// `integrator-user:device@interop`, `@server` and a bare `server`.
    fn from_str(s: &str) -> Result<Jid, JidError> {
        if s.is_empty() {
            return Err(JidError::Empty);
        }
        let Some((user_part, server)) = s.split_once('@') else {
            return Ok(Jid::server_only(Server::parse(s)));
        };
        if server.contains('@') {
            return Err(JidError::MultipleAt(s.to_owned()));
        }
        if server.is_empty() {
            return Err(JidError::EmptyServer(s.to_owned()));
        }
        let server = Server::parse(server);
        let mut jid = Jid::server_only(server);
        let mut user_part = user_part;
        if jid.server == Server::Interop {
            if let Some((integrator, rest)) = user_part.split_once('-') {
                jid.integrator =
                    integrator.parse().map_err(|_| JidError::InvalidIntegrator(s.to_owned()))?;
                user_part = rest;
            }
        }
        if let Some((user, ad)) = user_part.split_once('.') {
            let (agent, device) = match ad.split_once(':') {
                Some((agent, device)) => (agent, Some(device)),
                None => (ad, None),
            };
            jid.agent = agent.parse().map_err(|_| JidError::InvalidAgent(s.to_owned()))?;
            if let Some(device) = device {
                jid.device = device.parse().map_err(|_| JidError::InvalidDevice(s.to_owned()))?;
            }
            user_part = user;
        } else if let Some((user, device)) = user_part.split_once(':') {
            jid.device = device.parse().map_err(|_| JidError::InvalidDevice(s.to_owned()))?;
            user_part = user;
        }
        jid.user = user_part.to_owned();
        Ok(jid)
    }
}

impl Serialize for Jid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Jid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Jid, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_jids_with_a_user_or_phone_numbers() {
        assert_eq!(Jid::parse_address("+15550001"), Ok(Jid::pn("15550001")));
        assert_eq!(Jid::parse_address("15550001"), Ok(Jid::pn("15550001")));
        let group: Jid = "1-2@g.us".parse().unwrap();
        assert_eq!(Jid::parse_address("1-2@g.us"), Ok(group));
        for bad in ["", "+", "not a jid", "s.whatsapp.net", "@g.us", "a@b@c"] {
            let e = Jid::parse_address(bad).unwrap_err();
            assert!(matches!(e, JidError::NotAnAddress { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("neither a JID nor a phone number"), "{e}");
        }
        let e = Jid::parse_address("a@b@c").unwrap_err().to_string();
        assert!(e.contains("more than one '@'"), "the JID's own reason is kept: {e}");
    }

    fn parse(s: &str) -> Jid {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_and_formats_every_form() {
        for text in [
            "15551234567@s.whatsapp.net",
            "15551234567:12@s.whatsapp.net",
            "15551234567.2:3@s.whatsapp.net",
            "123456789012345:7@lid",
            "120363025246125888@g.us",
            "15551234567-1600000000@g.us",
            "status@broadcast",
            "120363123456789012@newsletter",
            "15551234567:5@hosted",
            "123456789012345:5@hosted.lid",
            "100001:3@msgr",
            "7-15551234567:2@interop",
            "@s.whatsapp.net",
            "@g.us",
            "foo@bar.example",
        ] {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn parts_are_split() {
        let jid = parse("15551234567.2:3@s.whatsapp.net");
        assert_eq!((jid.user.as_str(), jid.agent, jid.device), ("15551234567", 2, 3));
        assert_eq!(jid.server, Server::Pn);
        let jid = parse("7-15551234567:2@interop");
        assert_eq!((jid.integrator, jid.user.as_str(), jid.device), (7, "15551234567", 2));
        // A '-' is part of the user outside interop (old group ids).
        assert_eq!(parse("1555-1600@g.us").user, "1555-1600");
        assert_eq!(parse("newsletter").to_string(), "@newsletter");
        assert_eq!(parse("s.whatsapp.net"), Jid::server_only(Server::Pn));
        assert_eq!(parse("x@weird"), Jid::new("x", Server::Other("weird".into())));
    }

    #[test]
    fn device_zero_and_agent_zero_are_dropped_from_text() {
        assert_eq!(parse("15551234567:0@s.whatsapp.net").to_string(), "15551234567@s.whatsapp.net");
        assert_eq!(
            parse("15551234567.0:4@s.whatsapp.net").to_string(),
            "15551234567:4@s.whatsapp.net"
        );
    }

    #[test]
    fn bad_jids_fail_with_the_reason() {
        assert_eq!("".parse::<Jid>(), Err(JidError::Empty));
        assert!(matches!("a@b@c".parse::<Jid>(), Err(JidError::MultipleAt(_))));
        assert!(matches!("a@".parse::<Jid>(), Err(JidError::EmptyServer(_))));
        assert!(matches!("a:x@s.whatsapp.net".parse::<Jid>(), Err(JidError::InvalidDevice(_))));
        assert!(matches!("a:70000@lid".parse::<Jid>(), Err(JidError::InvalidDevice(_))));
        assert!(matches!("a:1:2@lid".parse::<Jid>(), Err(JidError::InvalidDevice(_))));
        assert!(matches!("a.300:1@lid".parse::<Jid>(), Err(JidError::InvalidAgent(_))));
        assert!(matches!("first.last@example.com".parse::<Jid>(), Err(JidError::InvalidAgent(_))));
        assert!(matches!("x-1:2@interop".parse::<Jid>(), Err(JidError::InvalidIntegrator(_))));
    }

    #[test]
    fn helpers() {
        let dev = parse("15551234567:3@s.whatsapp.net");
        assert_eq!(dev.to_non_ad(), parse("15551234567@s.whatsapp.net"));
        assert_eq!(dev.user_jid(), dev.to_non_ad());
        assert!(dev.is_ad() && dev.is_pn() && !dev.is_group());
        assert!(parse("1@g.us").is_group());
        assert!(parse("status@broadcast").is_status_broadcast());
        assert!(parse("123@broadcast").is_broadcast_list());
        assert!(parse("@s.whatsapp.net").is_server());
        assert_eq!(Jid::status_broadcast().to_string(), "status@broadcast");
        assert_eq!(Jid::pn("1").with_device(2).to_string(), "1:2@s.whatsapp.net");
    }

    #[test]
    fn signal_addresses() {
        assert_eq!(parse("15551234567:3@s.whatsapp.net").signal_address(), "15551234567:3");
        assert_eq!(parse("15551234567@s.whatsapp.net").signal_address(), "15551234567:0");
        assert_eq!(parse("123456789012345:7@lid").signal_address(), "123456789012345_1:7");
        assert_eq!(parse("1:5@hosted").signal_address(), "1_128:5");
        assert_eq!(parse("1:5@hosted.lid").signal_address(), "1_129:5");
        assert_eq!(parse("1.4:5@s.whatsapp.net").signal_address(), "1:5");
        assert_eq!(parse("1234567890@s.whatsapp.net").ad_string(), "1234567890.0:0@s.whatsapp.net");
    }

    #[test]
    fn serde_uses_the_text_form() {
        let jid = parse("123456789012345:7@lid");
        let json = serde_json::to_string(&jid).expect("serialize");
        assert_eq!(json, "\"123456789012345:7@lid\"");
        assert_eq!(serde_json::from_str::<Jid>(&json).expect("deserialize"), jid);
        assert!(serde_json::from_str::<Jid>("\"a@b@c\"").is_err());
    }
}

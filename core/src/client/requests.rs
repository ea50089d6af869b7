//! Requests by name, with JSON arguments and a JSON answer: the one surface the language
//! bindings share for calls that only move data (groups and users), so that each binding
//! wraps them in its own types without repeating the argument checks. JIDs are strings
//! (`…@s.whatsapp.net`, `…@g.us`, `…@lid`) or bare phone numbers; answers are the core's types
//! as serde writes them.
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use thiserror::Error;

use super::{Client, ClientError};
use crate::binary::Jid;
use crate::types::ParticipantAction;

/// Why a request failed.
#[derive(Debug, Error)]
pub enum RequestError {
    #[error("unknown request {0:?}")]
    UnknownMethod(String),
    /// The arguments are not what the request takes (the message says which and why).
    #[error("{0}")]
    InvalidArguments(String),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The names [`Client::request`] serves.
pub const REQUESTS: [&str; 16] = [
    "joined_groups",
    "group_info",
    "create_group",
    "set_group_name",
    "set_group_topic",
    "set_group_announce",
    "set_group_locked",
    "group_invite_link",
    "join_group_with_link",
    "leave_group",
    "update_group_participants",
    "is_on_whatsapp",
    "user_info",
    "profile_picture",
    "set_group_photo",
    "set_profile_picture",
];

/// A JID argument (see [`Jid::parse_address`]); `what` names it in the error.
fn jid(text: &str, what: &str) -> Result<Jid, RequestError> {
    Jid::parse_address(text).map_err(|e| RequestError::InvalidArguments(format!("{what}: {e}")))
}

fn jids(texts: &[String], what: &str) -> Result<Vec<Jid>, RequestError> {
    texts.iter().map(|t| jid(t, what)).collect()
}

fn args<T: DeserializeOwned>(method: &str, value: Value) -> Result<T, RequestError> {
    serde_json::from_value(value)
        .map_err(|e| RequestError::InvalidArguments(format!("{method}: {e}")))
}

fn answer<T: serde::Serialize>(value: T) -> Result<Value, RequestError> {
    serde_json::to_value(value).map_err(|e| RequestError::InvalidArguments(e.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    group: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupText {
    group: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFlag {
    group: String,
    on: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateGroup {
    name: String,
    #[serde(default)]
    participants: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InviteLink {
    group: String,
    #[serde(default)]
    reset: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Join {
    link: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Participants {
    group: String,
    participants: Vec<String>,
    action: ParticipantAction,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Phones {
    phones: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Users {
    users: Vec<String>,
}

/// A picture to set: a JPEG in standard base64, or null to remove the picture.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPicture {
    #[serde(default)]
    group: Option<String>,
    image: Option<String>,
}

impl NewPicture {
    fn jpeg(&self) -> Result<Option<Vec<u8>>, RequestError> {
        use base64::Engine;
        self.image
            .as_deref()
            .map(|b64| {
                base64::engine::general_purpose::STANDARD.decode(b64).map_err(|e| {
                    RequestError::InvalidArguments(format!("image is not base64: {e}"))
                })
            })
            .transpose()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Picture {
    user: String,
    #[serde(default)]
    preview: bool,
}

impl Client {
    /// Runs request `method` (one of [`REQUESTS`]) with `args_json` (a JSON object; `""` for
    /// none) and returns its answer as JSON. Arguments are checked before anything is sent.
    pub async fn request(&self, method: &str, args_json: &str) -> Result<String, RequestError> {
        let value: Value = if args_json.trim().is_empty() {
            json!({})
        } else {
            serde_json::from_str(args_json)
                .map_err(|e| RequestError::InvalidArguments(format!("{method}: {e}")))?
        };
        let result = match method {
            "joined_groups" => {
                let _: Empty = args(method, value)?;
                answer(self.joined_groups().await?)?
            }
            "group_info" => {
                let a: Group = args(method, value)?;
                answer(self.group_info(&jid(&a.group, "group")?).await?)?
            }
            "create_group" => {
                let a: CreateGroup = args(method, value)?;
                let members = jids(&a.participants, "participants")?;
                answer(self.create_group(&a.name, &members).await?)?
            }
            "set_group_name" | "set_group_topic" => {
                let a: GroupText = args(method, value)?;
                let group = jid(&a.group, "group")?;
                if method == "set_group_name" {
                    self.set_group_name(&group, &a.text).await?;
                } else {
                    self.set_group_topic(&group, &a.text).await?;
                }
                Value::Null
            }
            "set_group_announce" | "set_group_locked" => {
                let a: GroupFlag = args(method, value)?;
                let group = jid(&a.group, "group")?;
                if method == "set_group_announce" {
                    self.set_group_announce(&group, a.on).await?;
                } else {
                    self.set_group_locked(&group, a.on).await?;
                }
                Value::Null
            }
            "group_invite_link" => {
                let a: InviteLink = args(method, value)?;
                answer(self.group_invite_link(&jid(&a.group, "group")?, a.reset).await?)?
            }
            "join_group_with_link" => {
                let a: Join = args(method, value)?;
                answer(self.join_group_with_link(&a.link).await?)?
            }
            "leave_group" => {
                let a: Group = args(method, value)?;
                self.leave_group(&jid(&a.group, "group")?).await?;
                Value::Null
            }
            "update_group_participants" => {
                let a: Participants = args(method, value)?;
                let (group, members) =
                    (jid(&a.group, "group")?, jids(&a.participants, "participants")?);
                answer(self.update_group_participants(&group, &members, a.action).await?)?
            }
            "is_on_whatsapp" => {
                let a: Phones = args(method, value)?;
                answer(self.is_on_whatsapp(&a.phones).await?)?
            }
            "user_info" => {
                let a: Users = args(method, value)?;
                let infos = self.user_info(&jids(&a.users, "users")?).await?;
                // JSON object keys are strings: the JIDs as text.
                let by_jid: serde_json::Map<String, Value> = infos
                    .into_iter()
                    .map(|(jid, info)| Ok((jid.to_string(), answer(info)?)))
                    .collect::<Result<_, RequestError>>()?;
                Value::Object(by_jid)
            }
            "profile_picture" => {
                let a: Picture = args(method, value)?;
                answer(self.profile_picture(&jid(&a.user, "user")?, a.preview).await?)?
            }
            "set_group_photo" => {
                let a: NewPicture = args(method, value)?;
                let group = a.group.as_deref().ok_or_else(|| {
                    RequestError::InvalidArguments(format!("{method}: missing field `group`"))
                })?;
                answer(self.set_group_photo(&jid(group, "group")?, a.jpeg()?).await?)?
            }
            "set_profile_picture" => {
                let a: NewPicture = args(method, value)?;
                if a.group.is_some() {
                    let why = format!("{method}: unknown field `group` (see set_group_photo)");
                    return Err(RequestError::InvalidArguments(why));
                }
                answer(self.set_profile_picture(a.jpeg()?).await?)?
            }
            other => return Err(RequestError::UnknownMethod(other.to_owned())),
        };
        Ok(result.to_string())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryDeviceStore;
    use crate::ClientConfig;
    use std::sync::Arc;

    fn client() -> Client {
        Client::new(Arc::new(MemoryDeviceStore::new()), ClientConfig::default())
    }

    async fn error(method: &str, args: &str) -> String {
        match client().request(method, args).await {
            Err(RequestError::InvalidArguments(m)) => m,
            other => panic!("{method} {args}: {other:?}"),
        }
    }

    #[tokio::test]
    async fn arguments_are_checked_before_anything_is_sent() {
        assert!(error("group_info", "{").await.contains("group_info"));
        assert!(error("group_info", "{}").await.contains("missing field `group`"));
        assert!(error("group_info", r#"{"group":"x@y@z"}"#).await.contains("neither a JID"));
        assert!(error("group_info", r#"{"group":1}"#).await.contains("invalid type"));
        assert!(error("joined_groups", r#"{"extra":1}"#).await.contains("unknown field"));
        let bad_action = r#"{"group":"1@g.us","participants":["1"],"action":"kick"}"#;
        assert!(error("update_group_participants", bad_action).await.contains("unknown variant"));
        let bad_member = r#"{"name":"n","participants":["not a jid"]}"#;
        assert!(error("create_group", bad_member).await.contains("participants"));
        assert!(error("set_group_photo", r#"{"image":null}"#).await.contains("`group`"));
        let not_b64 = r#"{"group":"1-2@g.us","image":"***"}"#;
        assert!(error("set_group_photo", not_b64).await.contains("not base64"));
        match client().request("make_coffee", "").await {
            Err(RequestError::UnknownMethod(m)) => assert_eq!(m, "make_coffee"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn valid_arguments_reach_the_client() {
        // Not connected: the request got past its argument checks to the client.
        for (method, args) in [
            ("joined_groups", ""),
            ("group_info", r#"{"group":"123-456@g.us"}"#),
            ("set_group_locked", r#"{"group":"123-456@g.us","on":true}"#),
            ("is_on_whatsapp", r#"{"phones":["+15550001"]}"#),
            ("profile_picture", r#"{"user":"15550001","preview":true}"#),
            ("set_profile_picture", r#"{"image":"/9j/"}"#),
        ] {
            let result = client().request(method, args).await;
            assert!(
                matches!(result, Err(RequestError::Client(ClientError::NotConnected))),
                "{method}: {result:?}"
            );
        }
    }
}

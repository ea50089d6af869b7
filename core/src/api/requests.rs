//! The requests: every call a binding makes, each a serde struct of its arguments with the
//! client call it starts. Bindings call them by name with JSON ([`request`]; C's
//! `wazap_client_request`, Python's and Node's native `request`) or build them typed (C's
//! typed functions, the REST server): one place checks the arguments of every binding.
//!
//! Arguments are checked when a request starts, before anything is sent; what must happen in
//! call order (a message's place in the send order) happens then too, the rest when its future
//! is awaited. JIDs are strings (a JID, or a bare phone number), bytes standard base64
//! ([`super::args`]).
//!
//! Adding a request: a struct here with its `Request` impl, and its name in `requests!`. A
//! request whose `start` is an `async fn` does nothing before it is awaited; the others check
//! or take their place first.
use std::future::{self, Future};
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::args::{self, jid, jids, opt_bytes, opt_jid};
use super::{
    EditMessage, GetPrivacySettings, PollResultsRequest, RevokeMessage, SendPoll,
    SetPrivacySetting, VotePoll,
};
use super::{Error, Result};
use crate::binary::Jid;
use crate::client::{ChatState, ChatStateMedia, Presence, SendResult};
use crate::media::{MediaKind, MediaRef};
use crate::message::{
    compose_extended_text, compose_text, message_key, reaction, text, QuotedMessage,
};
use crate::pair::CompanionClientType;
use crate::types::{
    Blocklist, BlocklistAction, GroupInfo, IsOnWhatsApp, ParticipantAction, ParticipantUpdate,
    ProfilePicture, ReceiptType, UserInfo,
};
use crate::Client;

/// A started request: its answer, once awaited.
pub type Pending<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// One call of the surface.
pub trait Request: DeserializeOwned + Send + 'static {
    /// The name bindings call it by.
    const NAME: &'static str;
    /// What it answers.
    type Answer: Answer;

    /// Checks the arguments and starts the call (see the module doc for what happens when).
    fn start(self, client: Client) -> impl Future<Output = Result<Self::Answer>> + Send + 'static;

    /// Takes the bytes a binding passes beside the JSON arguments (a file to send); requests
    /// without such bytes refuse them.
    fn attach(&mut self, _data: Vec<u8>) -> Result<()> {
        Err(Error::invalid(format!("{} takes no data", Self::NAME)))
    }
}

/// What a request by name answers: JSON, or the bytes of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Json(String),
    Bytes(Vec<u8>),
}

/// An answer as a binding receives it.
pub trait Answer: Send + 'static {
    fn into_reply(self) -> Result<Reply>;
}

impl<T: Serialize + Send + 'static> Answer for T {
    fn into_reply(self) -> Result<Reply> {
        serde_json::to_string(&self)
            .map(Reply::Json)
            .map_err(|e| Error::new(super::ErrorKind::Internal, format!("answer to JSON: {e}")))
    }
}

/// A downloaded file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File(pub Vec<u8>);

impl Answer for File {
    fn into_reply(self) -> Result<Reply> {
        Ok(Reply::Bytes(self.0))
    }
}

impl Client {
    /// Starts `request` on this client.
    pub fn call<R: Request>(
        &self,
        request: R,
    ) -> impl Future<Output = Result<R::Answer>> + Send + 'static {
        request.start(self.clone())
    }

    /// Runs request `method` with `args_json` (a JSON object; `""` for none) and returns its
    /// JSON answer; see [`request`].
    pub async fn request(&self, method: &str, args_json: &str) -> Result<String> {
        match request(self, method, args_json, None).await? {
            Reply::Json(json) => Ok(json),
            Reply::Bytes(_) => {
                Err(Error::invalid(format!("{method} answers bytes: use api::request")))
            }
        }
    }
}

fn parse<R: Request>(args_json: &str, data: Option<Vec<u8>>) -> Result<R> {
    let text = if args_json.trim().is_empty() { "{}" } else { args_json };
    let mut de = serde_json::Deserializer::from_str(text);
    let mut request: R = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let why = e.into_inner();
        if path == "." {
            Error::invalid(format!("{}: {why}", R::NAME))
        } else {
            Error::invalid(format!("{}: {path}: {why}", R::NAME))
        }
    })?;
    de.end().map_err(|e| Error::invalid(format!("{}: {e}", R::NAME)))?;
    if let Some(data) = data {
        request.attach(data)?;
    }
    Ok(request)
}

fn start_named<R: Request>(
    client: &Client,
    args_json: &str,
    data: Option<Vec<u8>>,
) -> Pending<Reply> {
    match parse::<R>(args_json, data) {
        Ok(request) => {
            let answer = request.start(client.clone());
            Box::pin(async move { answer.await?.into_reply() })
        }
        Err(e) => Box::pin(future::ready(Err(e))),
    }
}

macro_rules! requests {
    ($($request:ty),+ $(,)?) => {
        /// The names [`request`] serves.
        pub const REQUESTS: &[&str] = &[$(<$request as Request>::NAME),+];

        /// Starts request `method` with `args_json` (a JSON object, `""` for none) and `data`
        /// (the bytes of a file, for the requests that send one). The arguments are checked
        /// now; the returned future runs the call.
        pub fn request(
            client: &Client,
            method: &str,
            args_json: &str,
            data: Option<Vec<u8>>,
        ) -> Pending<Reply> {
            $(if method == <$request as Request>::NAME {
                return start_named::<$request>(client, args_json, data);
            })+
            let unknown = format!("unknown request {method:?} (the names are api::REQUESTS)");
            Box::pin(future::ready(Err(Error::invalid(unknown))))
        }
    };
}

requests!(
    Connect,
    Disconnect,
    Logout,
    PairPhone,
    SetPushName,
    Status,
    SendText,
    SendMessage,
    SendMedia,
    Download,
    SendReaction,
    EditMessage,
    RevokeMessage,
    SendPoll,
    VotePoll,
    PollResultsRequest,
    MarkRead,
    SendReceipt,
    SendPresence,
    SendChatPresence,
    SubscribePresence,
    JoinedGroups,
    GroupInfoRequest,
    CreateGroup,
    SetGroupName,
    SetGroupTopic,
    SetGroupAnnounce,
    SetGroupLocked,
    GroupInviteLink,
    JoinGroupWithLink,
    GroupInfoFromLink,
    LeaveGroup,
    UpdateGroupParticipants,
    IsOnWhatsappRequest,
    UserInfoRequest,
    LidRequest,
    ProfilePictureRequest,
    SetGroupPhoto,
    SetProfilePicture,
    GetBlocklist,
    UpdateBlocklist,
    GetPrivacySettings,
    SetPrivacySetting,
    super::app_state::Contacts,
    super::app_state::ChatSettingsRequest,
    super::app_state::Labels,
    super::app_state::SyncAppState,
    super::app_state::MuteChat,
    super::app_state::PinChat,
    super::app_state::ArchiveChat,
    super::app_state::MarkChatRead,
    super::app_state::DeleteChat,
    super::app_state::StarMessage,
    super::app_state::SetContact,
    super::app_state::EditLabel,
    super::app_state::LabelChat,
);

/// A request with no arguments.
macro_rules! no_args {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, Deserialize, Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {}
    };
}

// -- connection --------------------------------------------------------------------------------

no_args!(
    /// `connect`: connects (and logs in, or starts pairing); answers once the handshake is done.
    Connect
);

impl Request for Connect {
    const NAME: &'static str = "connect";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.connect().await?)
    }
}

no_args!(
    /// `disconnect`: closes the connection and stops reconnecting; the pairing is kept.
    Disconnect
);

impl Request for Disconnect {
    const NAME: &'static str = "disconnect";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        client.disconnect().await;
        Ok(())
    }
}

no_args!(
    /// `logout`: unlinks this device, disconnects and deletes its keys.
    Logout
);

impl Request for Logout {
    const NAME: &'static str = "logout";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.logout().await?)
    }
}

fn yes() -> bool {
    true
}

fn chrome() -> CompanionClientType {
    CompanionClientType::Chrome
}

fn chrome_on_linux() -> String {
    "Chrome (Linux)".to_owned()
}

/// `pair_phone`: pairs by phone number instead of a QR scan; answers the code to type on the
/// phone. Call once connected and the first QR code came.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PairPhone {
    pub phone: String,
    #[serde(default = "yes")]
    pub show_push_notification: bool,
    /// What the phone shows the device as.
    #[serde(default = "chrome")]
    pub client_type: CompanionClientType,
    #[serde(default = "chrome_on_linux")]
    pub display_name: String,
}

impl PairPhone {
    /// Pairing `phone` as WhatsApp Web on Chrome does.
    pub fn new(phone: impl Into<String>) -> Self {
        Self {
            phone: phone.into(),
            show_push_notification: true,
            client_type: chrome(),
            display_name: chrome_on_linux(),
        }
    }
}

impl Request for PairPhone {
    const NAME: &'static str = "pair_phone";
    type Answer = String;
    async fn start(self, client: Client) -> Result<String> {
        let Self { phone, show_push_notification, client_type, display_name } = self;
        Ok(client.pair_phone(&phone, show_push_notification, client_type, &display_name).await?)
    }
}

/// `set_push_name`: the name our contacts see.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetPushName {
    pub name: String,
}

impl Request for SetPushName {
    const NAME: &'static str = "set_push_name";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.set_push_name(&self.name).await?)
    }
}

no_args!(
    /// `status`: whether the client is connected and logged in, and as whom.
    Status
);

/// The answer to [`Status`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientStatus {
    pub connected: bool,
    pub logged_in: bool,
    pub jid: Option<Jid>,
    pub lid: Option<Jid>,
}

impl Request for Status {
    const NAME: &'static str = "status";
    type Answer = ClientStatus;
    async fn start(self, client: Client) -> Result<ClientStatus> {
        Ok(ClientStatus {
            connected: client.is_connected(),
            logged_in: client.is_logged_in(),
            jid: client.jid(),
            lid: client.lid(),
        })
    }
}

// -- messaging ---------------------------------------------------------------------------------

/// The message a reply quotes: its id, who sent it, and what it said (a received message
/// event's `message.raw`; when absent, as in wuzapi, the quote shows an empty text).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub id: String,
    #[serde(deserialize_with = "jid")]
    pub sender: Jid,
    /// The quoted `Message` protobuf, base64.
    #[serde(default)]
    pub message: Option<String>,
}

/// `send_text`: a text, optionally replying to a message and mentioning users (write them as
/// `@<number>` in the text); answers `{id, timestamp}` once the server acked it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendText {
    #[serde(deserialize_with = "jid")]
    pub to: Jid,
    pub text: String,
    /// Our own message id (default: a new one).
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub reply_to: Option<Quote>,
    #[serde(default, deserialize_with = "jids")]
    pub mentions: Vec<Jid>,
    /// Always an `extendedTextMessage`, even without a quote or mentions (as wuzapi sends every
    /// text); by default a plain text is a `conversation`.
    #[serde(default)]
    pub extended: bool,
}

impl SendText {
    pub fn new(to: Jid, text: impl Into<String>) -> Self {
        Self {
            to,
            text: text.into(),
            id: None,
            reply_to: None,
            mentions: Vec::new(),
            extended: false,
        }
    }
}

/// Starts a send now, so that sends leave in the order they were called.
pub(super) fn send(
    client: &Client,
    to: Jid,
    message: Result<crate::proto::Message>,
    id: Option<String>,
) -> impl Future<Output = Result<SendResult>> + Send + 'static {
    let sending = message.map(|m| client.send_message_with_id(to, m, id));
    async move { Ok(sending?.await?) }
}

impl Request for SendText {
    const NAME: &'static str = "send_text";
    type Answer = SendResult;
    fn start(self, client: Client) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let compose = if self.extended { compose_extended_text } else { compose_text };
        let message = text_with_quote(compose, &self.text, self.reply_to.as_ref(), &self.mentions);
        send(&client, self.to, message, self.id)
    }
}

/// A text as [`compose_text`] writes it, quoting `quote` (its message decoded, or an empty
/// text when not given).
pub(super) fn text_with_quote(
    compose: fn(&str, Option<&QuotedMessage<'_>>, &[Jid]) -> crate::proto::Message,
    body: &str,
    quote: Option<&Quote>,
    mentions: &[Jid],
) -> Result<crate::proto::Message> {
    let Some(quote) = quote else {
        return Ok(compose(body, None, mentions));
    };
    let quoted = match &quote.message {
        Some(b64) => args::message(&args::base64(b64, "reply_to message")?, "reply_to message")?,
        None => text(""),
    };
    let q = QuotedMessage { id: &quote.id, sender: &quote.sender, message: &quoted };
    Ok(compose(body, Some(&q), mentions))
}

/// `send_message`: any message, as an encoded `Message` protobuf (base64).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    #[serde(deserialize_with = "jid")]
    pub to: Jid,
    pub message: String,
    #[serde(default)]
    pub id: Option<String>,
}

impl Request for SendMessage {
    const NAME: &'static str = "send_message";
    type Answer = SendResult;
    fn start(self, client: Client) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let message =
            args::base64(&self.message, "message").and_then(|b| args::message(&b, "message"));
        send(&client, self.to, message, self.id)
    }
}

/// `send_media`: uploads a file (the request's data) and sends it as an image, video, audio,
/// document or sticker message. `mimetype` absent: the kind's usual one.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendMedia {
    #[serde(deserialize_with = "jid")]
    pub to: Jid,
    /// `image`, `video`, `audio`, `document` or `sticker`.
    pub kind: String,
    #[serde(default)]
    pub mimetype: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// Required for documents, refused for the other kinds.
    #[serde(default)]
    pub file_name: Option<String>,
    /// Audio as a recorded voice message.
    #[serde(default)]
    pub voice_note: bool,
    #[serde(default)]
    pub id: Option<String>,
    /// The file.
    #[serde(skip)]
    pub data: Vec<u8>,
}

impl Request for SendMedia {
    const NAME: &'static str = "send_media";
    type Answer = SendResult;
    fn start(self, client: Client) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let kind =
            MediaKind::from_fields(&self.kind, self.caption, self.file_name, self.voice_note)
                .map_err(|e| Error::invalid(e.to_string()))
                .and_then(|kind| {
                    if self.data.is_empty() {
                        Err(Error::invalid("data is empty"))
                    } else {
                        Ok(kind)
                    }
                });
        let (to, data, mimetype, id) = (self.to, self.data, self.mimetype, self.id);
        async move { Ok(client.send_media(to, data, mimetype.as_deref(), kind?, id).await?) }
    }

    fn attach(&mut self, data: Vec<u8>) -> Result<()> {
        self.data = data;
        Ok(())
    }
}

/// `download`: the file of a received image, video, audio, document or sticker message
/// (`message`: the event's `message.raw`, base64), downloaded, verified and decrypted.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Download {
    pub message: String,
}

impl Download {
    /// Where the media of `message` is.
    pub fn media_of(message: &crate::proto::Message) -> Result<MediaRef> {
        MediaRef::from_message(message)
            .map_err(|e| Error::invalid(format!("the message has no downloadable media: {e}")))
    }
}

impl Request for Download {
    const NAME: &'static str = "download";
    type Answer = File;
    fn start(self, client: Client) -> impl Future<Output = Result<File>> + Send + 'static {
        let media = args::base64(&self.message, "message")
            .and_then(|b| args::message(&b, "message"))
            .and_then(|m| Self::media_of(&m));
        async move { Ok(File(client.download(&media?).await?)) }
    }
}

/// `send_reaction`: reacts to message `id` in `chat` written by `sender` (`from_me`: by us);
/// an empty emoji removes our reaction.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendReaction {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    #[serde(deserialize_with = "jid")]
    pub sender: Jid,
    pub id: String,
    pub emoji: String,
    #[serde(default)]
    pub from_me: bool,
}

impl Request for SendReaction {
    const NAME: &'static str = "send_reaction";
    type Answer = SendResult;
    fn start(self, client: Client) -> impl Future<Output = Result<SendResult>> + Send + 'static {
        let key = message_key(&self.chat, &self.sender, &self.id, self.from_me);
        let message = reaction(key, &self.emoji, crate::client::unix_now_ms());
        send(&client, self.chat, Ok(message), None)
    }
}

/// `mark_read`: marks messages `ids` of `chat` read; `sender` wrote them (needed in groups).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    pub ids: Vec<String>,
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    #[serde(default, deserialize_with = "opt_jid")]
    pub sender: Option<Jid>,
}

fn some_ids(ids: &[String]) -> Result<()> {
    if ids.is_empty() || ids.iter().any(|id| id.trim().is_empty()) {
        return Err(Error::invalid("ids must list one or more message ids"));
    }
    Ok(())
}

impl Request for MarkRead {
    const NAME: &'static str = "mark_read";
    type Answer = ();
    fn start(self, client: Client) -> impl Future<Output = Result<()>> + Send + 'static {
        let checked = some_ids(&self.ids);
        async move {
            checked?;
            Ok(client.mark_read(&self.ids, self.chat, self.sender).await?)
        }
    }
}

/// `send_receipt`: a receipt an application sends itself: `read`, `read-self`, `played`
/// (voice notes) or `played-self`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendReceipt {
    pub ids: Vec<String>,
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    #[serde(default, deserialize_with = "opt_jid")]
    pub sender: Option<Jid>,
    pub receipt_type: String,
}

impl Request for SendReceipt {
    const NAME: &'static str = "send_receipt";
    type Answer = ();
    fn start(self, client: Client) -> impl Future<Output = Result<()>> + Send + 'static {
        let kind = some_ids(&self.ids).and_then(|()| {
            ReceiptType::sendable(&self.receipt_type).map_err(|e| Error::invalid(e.to_string()))
        });
        async move { Ok(client.send_receipt(&self.ids, self.chat, self.sender, kind?).await?) }
    }
}

/// `send_presence`: whether our contacts see us online.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendPresence {
    pub presence: Presence,
}

impl Request for SendPresence {
    const NAME: &'static str = "send_presence";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.send_presence(self.presence).await?)
    }
}

fn text_media() -> ChatStateMedia {
    ChatStateMedia::Text
}

/// `send_chat_presence`: typing (`composing`, `media` `audio`: recording) or `paused` in a chat.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SendChatPresence {
    #[serde(deserialize_with = "jid")]
    pub chat: Jid,
    pub state: ChatState,
    #[serde(default = "text_media")]
    pub media: ChatStateMedia,
}

impl Request for SendChatPresence {
    const NAME: &'static str = "send_chat_presence";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.send_chat_presence(self.chat, self.state, self.media).await?)
    }
}

/// `subscribe_presence`: asks for a user's `presence` events.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubscribePresence {
    #[serde(deserialize_with = "jid")]
    pub jid: Jid,
}

impl Request for SubscribePresence {
    const NAME: &'static str = "subscribe_presence";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.subscribe_presence(self.jid).await?)
    }
}

// -- groups ------------------------------------------------------------------------------------

no_args!(
    /// `joined_groups`: every group we are in, with members.
    JoinedGroups
);

impl Request for JoinedGroups {
    const NAME: &'static str = "joined_groups";
    type Answer = Vec<GroupInfo>;
    async fn start(self, client: Client) -> Result<Vec<GroupInfo>> {
        Ok(client.joined_groups().await?)
    }
}

/// `group_info`: a group's metadata and members.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupInfoRequest {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
}

impl Request for GroupInfoRequest {
    const NAME: &'static str = "group_info";
    type Answer = GroupInfo;
    async fn start(self, client: Client) -> Result<GroupInfo> {
        Ok(client.group_info(&self.group).await?)
    }
}

/// `create_group`: a group with us as its admin and `participants` in it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    pub name: String,
    #[serde(default, deserialize_with = "jids")]
    pub participants: Vec<Jid>,
}

impl Request for CreateGroup {
    const NAME: &'static str = "create_group";
    type Answer = GroupInfo;
    async fn start(self, client: Client) -> Result<GroupInfo> {
        Ok(client.create_group(&self.name, &self.participants).await?)
    }
}

/// `set_group_name`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetGroupName {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    pub text: String,
}

impl Request for SetGroupName {
    const NAME: &'static str = "set_group_name";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.set_group_name(&self.group, &self.text).await?)
    }
}

/// `set_group_topic`: the description; an empty text deletes it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetGroupTopic {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    pub text: String,
}

impl Request for SetGroupTopic {
    const NAME: &'static str = "set_group_topic";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.set_group_topic(&self.group, &self.text).await?)
    }
}

/// `set_group_announce`: only admins may send.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetGroupAnnounce {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    pub on: bool,
}

impl Request for SetGroupAnnounce {
    const NAME: &'static str = "set_group_announce";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.set_group_announce(&self.group, self.on).await?)
    }
}

/// `set_group_locked`: only admins may edit the group info.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetGroupLocked {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    pub on: bool,
}

impl Request for SetGroupLocked {
    const NAME: &'static str = "set_group_locked";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.set_group_locked(&self.group, self.on).await?)
    }
}

/// `group_invite_link`: `https://chat.whatsapp.com/<code>`; `reset` revokes the old one first.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupInviteLink {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    #[serde(default)]
    pub reset: bool,
}

impl Request for GroupInviteLink {
    const NAME: &'static str = "group_invite_link";
    type Answer = String;
    async fn start(self, client: Client) -> Result<String> {
        Ok(client.group_invite_link(&self.group, self.reset).await?)
    }
}

/// `join_group_with_link`: joins by invite link (or its code); answers the group's JID.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JoinGroupWithLink {
    pub link: String,
}

impl Request for JoinGroupWithLink {
    const NAME: &'static str = "join_group_with_link";
    type Answer = Jid;
    async fn start(self, client: Client) -> Result<Jid> {
        Ok(client.join_group_with_link(&self.link).await?)
    }
}

/// `group_info_from_link`: the group of an invite link (or its code), without joining it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupInfoFromLink {
    pub link: String,
}

impl Request for GroupInfoFromLink {
    const NAME: &'static str = "group_info_from_link";
    type Answer = GroupInfo;
    async fn start(self, client: Client) -> Result<GroupInfo> {
        Ok(client.group_info_from_link(&self.link).await?)
    }
}

/// `leave_group`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveGroup {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
}

impl Request for LeaveGroup {
    const NAME: &'static str = "leave_group";
    type Answer = ();
    async fn start(self, client: Client) -> Result<()> {
        Ok(client.leave_group(&self.group).await?)
    }
}

/// `update_group_participants`: adds, removes, promotes or demotes members; one answer each.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroupParticipants {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    #[serde(deserialize_with = "jids")]
    pub participants: Vec<Jid>,
    pub action: ParticipantAction,
}

impl Request for UpdateGroupParticipants {
    const NAME: &'static str = "update_group_participants";
    type Answer = Vec<ParticipantUpdate>;
    async fn start(self, client: Client) -> Result<Vec<ParticipantUpdate>> {
        Ok(client.update_group_participants(&self.group, &self.participants, self.action).await?)
    }
}

// -- users -------------------------------------------------------------------------------------

/// `is_on_whatsapp`: which of `phones` (international numbers) have an account.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IsOnWhatsappRequest {
    pub phones: Vec<String>,
}

impl Request for IsOnWhatsappRequest {
    const NAME: &'static str = "is_on_whatsapp";
    type Answer = Vec<IsOnWhatsApp>;
    async fn start(self, client: Client) -> Result<Vec<IsOnWhatsApp>> {
        Ok(client.is_on_whatsapp(&self.phones).await?)
    }
}

/// `user_info`: status, picture id, devices and LID of each user, by JID.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserInfoRequest {
    #[serde(deserialize_with = "jids")]
    pub users: Vec<Jid>,
}

impl Request for UserInfoRequest {
    const NAME: &'static str = "user_info";
    /// By JID (JSON object keys are strings: the JIDs as text).
    type Answer = std::collections::BTreeMap<String, UserInfo>;
    async fn start(self, client: Client) -> Result<Self::Answer> {
        let infos = client.user_info(&self.users).await?;
        Ok(infos.into_iter().map(|(jid, info)| (jid.to_string(), info)).collect())
    }
}

/// `lid`: the LID user of a phone-number user, as the session knows it or else as WhatsApp
/// answers a usync query; null when it has none.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LidRequest {
    #[serde(deserialize_with = "jid")]
    pub jid: Jid,
}

impl Request for LidRequest {
    const NAME: &'static str = "lid";
    type Answer = Option<Jid>;
    async fn start(self, client: Client) -> Result<Option<Jid>> {
        let user = self.jid.to_non_ad();
        if let Some(lid) = client.lid_for_pn(&user) {
            return Ok(Some(lid));
        }
        let infos = client.user_info(std::slice::from_ref(&user)).await?;
        Ok(infos.into_values().find_map(|info| info.lid).map(|lid| lid.to_non_ad()))
    }
}

/// `profile_picture`: where to download a user's or group's picture (`preview`: the
/// thumbnail); null when there is none.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilePictureRequest {
    #[serde(deserialize_with = "jid")]
    pub user: Jid,
    #[serde(default)]
    pub preview: bool,
}

impl Request for ProfilePictureRequest {
    const NAME: &'static str = "profile_picture";
    type Answer = Option<ProfilePicture>;
    async fn start(self, client: Client) -> Result<Option<ProfilePicture>> {
        Ok(client.profile_picture(&self.user, self.preview).await?)
    }
}

/// `set_group_photo`: a group's picture (`image`: a JPEG, base64), or none to remove it;
/// answers the new picture's id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetGroupPhoto {
    #[serde(deserialize_with = "jid")]
    pub group: Jid,
    #[serde(deserialize_with = "opt_bytes")]
    pub image: Option<Vec<u8>>,
}

impl Request for SetGroupPhoto {
    const NAME: &'static str = "set_group_photo";
    type Answer = Option<String>;
    async fn start(self, client: Client) -> Result<Option<String>> {
        Ok(client.set_group_photo(&self.group, self.image).await?)
    }
}

/// `set_profile_picture`: our own picture (`image`: a square JPEG, base64), or none to
/// remove it; answers the new picture's id.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetProfilePicture {
    #[serde(deserialize_with = "opt_bytes")]
    pub image: Option<Vec<u8>>,
}

impl Request for SetProfilePicture {
    const NAME: &'static str = "set_profile_picture";
    type Answer = Option<String>;
    async fn start(self, client: Client) -> Result<Option<String>> {
        Ok(client.set_profile_picture(self.image).await?)
    }
}

no_args!(
    /// `get_blocklist`: the users we blocked.
    GetBlocklist
);

impl Request for GetBlocklist {
    const NAME: &'static str = "get_blocklist";
    type Answer = Blocklist;
    async fn start(self, client: Client) -> Result<Blocklist> {
        Ok(client.get_blocklist().await?)
    }
}

/// `update_blocklist`: blocks or unblocks a user; answers the new list.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBlocklist {
    #[serde(deserialize_with = "jid")]
    pub jid: Jid,
    pub action: BlocklistAction,
}

impl Request for UpdateBlocklist {
    const NAME: &'static str = "update_blocklist";
    type Answer = Blocklist;
    async fn start(self, client: Client) -> Result<Blocklist> {
        Ok(client.update_blocklist(&self.jid, self.action).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ErrorKind;
    use crate::store::MemoryDeviceStore;
    use crate::ClientConfig;
    use std::sync::Arc;

    fn client() -> Client {
        Client::new(Arc::new(MemoryDeviceStore::new()), ClientConfig::default())
    }

    async fn error(method: &str, args: &str) -> String {
        match client().request(method, args).await {
            Err(e) if e.kind() == ErrorKind::InvalidArgument => e.message().to_owned(),
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
        assert!(error("send_presence", r#"{"presence":"busy"}"#).await.contains("unknown variant"));
        assert!(error("send_receipt", r#"{"ids":["X"],"chat":"1","receipt_type":"seen"}"#)
            .await
            .contains("seen"));
        assert!(error("mark_read", r#"{"ids":[],"chat":"1"}"#).await.contains("ids"));
        assert!(error("send_message", r#"{"to":"1","message":"//8="}"#)
            .await
            .contains("not a Message"));
        assert!(error("download", r#"{"message":"CgR0ZXh0"}"#)
            .await
            .contains("no downloadable media"));
        assert!(error("send_media", r#"{"to":"1","kind":"gif"}"#).await.contains("image, video"));
        assert!(error("send_text", r#"{"to":"1","text":"x"}  x"#).await.contains("trailing"));
        assert!(error("make_coffee", "").await.contains("make_coffee"));
        let refused =
            request(&client(), "send_text", r#"{"to":"1","text":"x"}"#, Some(vec![1])).await;
        assert!(refused.unwrap_err().message().contains("takes no data"));
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
            ("send_presence", r#"{"presence":"available"}"#),
            ("get_blocklist", ""),
            ("archive_chat", r#"{"chat":"15550001"}"#),
            ("mute_chat", r#"{"chat":"15550001","until_ms":5}"#),
            ("label_chat", r#"{"label":"1","chat":"15550001","labeled":false}"#),
        ] {
            let result = client().request(method, args).await;
            let kind = result.as_ref().map_err(|e| e.kind());
            assert!(
                matches!(kind, Err(ErrorKind::NotConnected | ErrorKind::NoDevice)),
                "{method}: {result:?}"
            );
        }
        let status: ClientStatus =
            serde_json::from_str(&client().request("status", "").await.unwrap()).unwrap();
        assert_eq!(
            status,
            ClientStatus { connected: false, logged_in: false, jid: None, lid: None }
        );
    }

    #[test]
    fn every_request_has_its_own_name() {
        let names: std::collections::BTreeSet<_> = REQUESTS.iter().collect();
        assert_eq!(names.len(), REQUESTS.len());
    }
}

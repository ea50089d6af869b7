//! Stanza handlers, one file per family. [`handle_iq`] routes an iq by `xmlns` and type; every
//! handler returns the reply or an [`IqError`], which becomes `<iq type="error"><error code
//! text/>` as the real server answers.
pub mod acks;
pub mod app_state;
pub mod blocklist;
pub mod chatstate;
pub mod devices;
pub mod edge_routing;
pub mod groups;
pub mod login;
pub mod logout;
pub mod media_conn;
pub mod message;
pub mod pair_code;
pub mod pairing;
pub mod passive;
pub mod ping;
pub mod prekeys;
pub mod presence;
pub mod privacy;
pub mod profile_picture;
pub mod props;
pub mod receipt;
pub mod routing;
pub mod stanza;
pub mod status;
pub mod usync;

use thiserror::Error;
use wazap::binary::{Node, NodeError};

use crate::conn::ConnCtx;

/// Why an iq is refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum IqError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not authorized")]
    NotAuthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("item not found")]
    NotFound,
    #[error("feature not implemented")]
    NotImplemented,
    #[error("internal error: {0}")]
    Internal(String),
}

impl IqError {
    /// The `<error code text>` WhatsApp uses for each case.
    pub fn code_text(&self) -> (u16, &'static str) {
        match self {
            IqError::BadRequest(_) => (400, "bad-request"),
            IqError::NotAuthorized => (401, "not-authorized"),
            IqError::Forbidden => (403, "forbidden"),
            IqError::NotFound => (404, "item-not-found"),
            IqError::NotImplemented => (501, "feature-not-implemented"),
            IqError::Internal(_) => (500, "internal-server-error"),
        }
    }
}

impl From<NodeError> for IqError {
    fn from(e: NodeError) -> Self {
        IqError::BadRequest(e.to_string())
    }
}

pub type IqResult = Result<Node, IqError>;

/// The logged-in device of the connection, or 401.
pub fn require_login(ctx: &ConnCtx) -> Result<(String, u16), IqError> {
    ctx.device().map(|(p, d)| (p.to_owned(), d)).ok_or(IqError::NotAuthorized)
}

/// Handles an iq the client sent.
pub async fn handle_iq(ctx: &mut ConnCtx, iq: &Node) {
    let Some(id) = iq.attr_str("id").map(str::to_owned) else {
        tracing::info!("iq without id ignored");
        return;
    };
    let kind = iq.attr_str("type").unwrap_or_default();
    if matches!(kind, "result" | "error") {
        pairing::on_iq_reply(ctx, iq).await;
        return;
    }
    let xmlns = iq.attr_str("xmlns").unwrap_or_default();
    let result = match (xmlns, kind) {
        ("md", "set") => md(ctx, &id, iq).await,
        ("w:p", "get") => ping::handle(iq).map(Some),
        ("encrypt", "get" | "set") => prekeys::handle(ctx, &id, kind, iq).map(Some),
        ("usync", "get") => usync::handle(ctx, &id, iq).map(Some),
        ("privacy", "get" | "set") => privacy::handle(ctx, &id, kind, iq).map(Some),
        ("blocklist", "get" | "set") => blocklist::handle(ctx, &id, kind, iq).map(Some),
        ("abt", "get") => props::handle(ctx, &id, iq).map(Some),
        ("w", "get") => props::handle_legacy(ctx, iq).map(Some),
        ("w:g2", "get" | "set") => groups::handle(ctx, &id, kind, iq).map(Some),
        ("w:m", "set") => media_conn::handle(ctx, &id, iq).map(Some),
        ("w:sync:app:state", "set") => app_state::handle(ctx, &id, iq).await.map(Some),
        ("passive", "set") => passive::handle(ctx, &id, iq).map(Some),
        ("status", "set") => status::handle(ctx, &id, iq).map(Some),
        ("urn:xmpp:whatsapp:dirty", "set") => status::clean(ctx, &id, iq).map(Some),
        ("w:profile:picture", "get") => profile_picture::get(ctx, &id, iq).map(Some),
        ("w:profile:picture", "set") => profile_picture::set(ctx, &id, iq).await.map(Some),
        _ => Err(IqError::NotImplemented),
    };
    let reply = result.unwrap_or_else(|e| {
        tracing::debug!(xmlns, kind, error = %e, "iq refused");
        let (code, text) = e.code_text();
        Some(stanza::iq_error(&id, code, text))
    });
    if let Some(reply) = reply {
        ctx.handle.send(reply);
    }
}

/// `xmlns="md"`: multi-device management (logout, pairing by code). `Ok(None)` when the handler
/// sent its reply itself (it must precede what follows it).
async fn md(ctx: &mut ConnCtx, id: &str, iq: &Node) -> Result<Option<Node>, IqError> {
    let Some(child) = iq.get_children().first() else {
        return Err(IqError::BadRequest("empty md iq".into()));
    };
    match child.tag.as_ref() {
        "remove-companion-device" => logout::handle(ctx, id, child).map(Some),
        "link_code_companion_reg" => pair_code::handle(ctx, id, child).await,
        other => Err(IqError::BadRequest(format!("unknown md request <{other}>"))),
    }
}

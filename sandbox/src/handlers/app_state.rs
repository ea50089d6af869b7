//! `<iq xmlns="w:sync:app:state" type="set"><sync><collection name version return_snapshot/>…`:
//! a client asks for the app state patches of some collections after its version (Baileys'
//! `resyncAppState` in `Socket/chats.ts`, whatsmeow's `fetchAppStatePatches` in `appstate.go`).
//!
//! The server answers each collection it was asked for in one `<collection name version>`: its
//! current version, the patches after the client's version in `<patches><patch>SyncdPatch`,
//! `has_more_patches="true"` when it held some back, and `<snapshot>ExternalBlobReference` when
//! asked for one and there is state to snapshot. Both clients loop until every collection they
//! asked for came back without `has_more_patches`, so none may be left out.
//!
//! The sandbox keeps no app state yet (nothing writes any: phones do not, and patches from
//! clients are refused), so every collection is at version 0 with nothing in it: the answer for
//! an account that never had app state, which both clients take as "synced, version 0".
use wazap::binary::Node;

use super::{stanza, IqError, IqResult};

/// The collections WhatsApp keeps (whatsmeow `appstate.AllPatchNames`, Baileys
/// `ALL_WA_PATCH_NAMES`).
pub const COLLECTIONS: [&str; 5] =
    ["critical_block", "critical_unblock_low", "regular_high", "regular", "regular_low"];

/// One `<collection>` of a sync request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRequest {
    pub name: String,
    /// The version the client has; whatsmeow leaves it out when it asks for a snapshot.
    pub version: u64,
    pub return_snapshot: bool,
}

/// What the server holds of one collection for an account: so far only its version (the
/// patches and snapshots come with app state itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CollectionState {
    pub version: u64,
}

pub fn handle(id: &str, iq: &Node) -> IqResult {
    let requests = parse_request(iq)?;
    let collections = requests
        .iter()
        // No app state is kept yet: every collection is empty.
        .map(|request| answer(request, &CollectionState::default()))
        .collect::<Vec<_>>();
    Ok(stanza::iq_result(id).child(Node::new("sync").children(collections)))
}

/// The collections of a request. A request that carries patches (a client changing its app
/// state) is refused: the sandbox does not keep app state yet.
pub fn parse_request(iq: &Node) -> Result<Vec<CollectionRequest>, IqError> {
    let sync = iq
        .child_by_tag("sync")
        .ok_or_else(|| IqError::BadRequest("app state sync without <sync>".into()))?;
    let mut requests = Vec::new();
    for collection in sync.children_by_tag("collection") {
        let name =
            collection.attr_str("name").filter(|name| COLLECTIONS.contains(name)).ok_or_else(
                || IqError::BadRequest(format!("unknown app state collection in {collection}")),
            )?;
        if collection.child_by_tag("patch").is_some() {
            return Err(IqError::NotImplemented);
        }
        let version = collection.opt_u64("version")?.unwrap_or(0);
        let return_snapshot = collection.attr_str("return_snapshot") == Some("true");
        requests.push(CollectionRequest { name: name.to_owned(), version, return_snapshot });
    }
    if requests.is_empty() {
        return Err(IqError::BadRequest("app state sync without collections".into()));
    }
    Ok(requests)
}

/// `<collection name version>` for one request: the server's version, and no patches or
/// snapshot while the collection is empty, whatever was asked.
pub fn answer(request: &CollectionRequest, state: &CollectionState) -> Node {
    Node::new("collection").attr("name", request.name.clone()).attr("version", state.version)
}

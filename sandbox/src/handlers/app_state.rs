//! `<iq xmlns="w:sync:app:state" type="set"><sync><collection name version return_snapshot/>…`:
//! a client asks for the app state patches of some collections after its version (Baileys'
//! `resyncAppState` in `Socket/chats.ts`, whatsmeow's `fetchAppStatePatches` in `appstate.go`;
//! the iqs themselves are `wazap::appstate::iq`, shared with the client).
//!
//! The server answers each collection it was asked for in one `<collection name version>`: its
//! current version, the patches after the client's version, `has_more_patches` when it held
//! some back, and a snapshot when asked for one and there is state to snapshot. Both clients
//! loop until every collection they asked for came back without `has_more_patches`, so none
//! may be left out.
//!
//! The sandbox keeps no app state yet (nothing writes any: phones do not, and patches from
//! clients are refused), so every collection is at version 0 with nothing in it: the answer for
//! an account that never had app state, which both clients take as "synced, version 0".
use wazap::appstate::iq::{answer_collection, parse_request, CollectionRequest};
use wazap::binary::Node;

use super::{stanza, IqError, IqResult};

pub fn handle(id: &str, iq: &Node) -> IqResult {
    let requests = parse_request(iq).map_err(|e| IqError::BadRequest(e.to_string()))?;
    if requests.is_empty() {
        return Err(IqError::BadRequest("app state sync without collections".into()));
    }
    // A client's own changes need app state the sandbox does not keep yet.
    if requests.iter().any(|r| !r.patches.is_empty()) {
        return Err(IqError::NotImplemented);
    }
    let collections = requests.iter().map(answer).collect::<Vec<_>>();
    Ok(stanza::iq_result(id).child(Node::new("sync").children(collections)))
}

/// The `<collection>` answering one request: the server's version (0: no app state is kept
/// yet), and no patches or snapshot for an empty collection, whatever was asked.
fn answer(request: &CollectionRequest) -> Node {
    answer_collection(request.fetch.collection, 0, false, None, &[])
}

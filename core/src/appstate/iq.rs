//! The `w:sync:app:state` iqs and the `server_sync` notification (whatsmeow `appstate.go`,
//! `appstate/decode.go` `ParsePatchList`; Baileys `chats.ts` `resyncAppState`).
//!
//! - fetch: `<iq xmlns="w:sync:app:state" type="set" to="s.whatsapp.net"><sync>
//!   <collection name return_snapshot="true"/>` (a full sync) or `<collection name
//!   version="N" return_snapshot="false"/>` (the patches after N), one per collection;
//! - answer: `<sync><collection name version [has_more_patches="true"]>[<snapshot>ExternalBlob
//!   Reference</snapshot>][<patches><patch>SyncdPatch</patch>…</patches>]</collection>…`; a
//!   refused collection has `type="error"` and an `<error code text/>` child (409: our upload
//!   conflicts with patches sent with it);
//! - upload: `<collection name version="N" return_snapshot="false"><patch>SyncdPatch</patch>`;
//! - `<notification type="server_sync"><collection name version/>…`: fetch those again.
use prost::Message as _;

use super::{AppStateError, Collection};
use crate::binary::{Jid, Node, Server};
use crate::proto;

const XMLNS: &str = "w:sync:app:state";

/// What to fetch of one collection: everything (a snapshot), or the patches after `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetch {
    pub collection: Collection,
    pub version: u64,
    pub snapshot: bool,
}

fn sync_iq(collections: impl IntoIterator<Item = Node>) -> Node {
    Node::new("iq")
        .attr("xmlns", XMLNS)
        .attr("type", "set")
        .attr("to", Jid::server_only(Server::Pn))
        .child(Node::new("sync").children(collections))
}

/// One iq fetching several collections.
pub fn fetch(collections: &[Fetch]) -> Node {
    sync_iq(collections.iter().map(|f| {
        let node = Node::new("collection")
            .attr("name", f.collection.as_str())
            .attr("return_snapshot", f.snapshot);
        if f.snapshot {
            node
        } else {
            node.attr("version", f.version.to_string())
        }
    }))
}

/// Uploads one encoded patch on top of `version`.
pub fn upload(collection: Collection, version: u64, patch: &proto::SyncdPatch) -> Node {
    sync_iq([Node::new("collection")
        .attr("name", collection.as_str())
        .attr("version", version.to_string())
        .attr("return_snapshot", false)
        .child(Node::new("patch").bytes(patch.encode_to_vec()))])
}

/// What the server answered for one collection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CollectionAnswer {
    /// The name as sent (also for a collection this library does not know).
    pub name: String,
    pub collection: Option<Collection>,
    /// The collection's version on the server.
    pub version: Option<u64>,
    pub has_more_patches: bool,
    /// Where to download the snapshot (media type `md-app-state`).
    pub snapshot: Option<proto::ExternalBlobReference>,
    pub patches: Vec<proto::SyncdPatch>,
    /// `type="error"`: the `<error>` child's code and text.
    pub error: Option<(u16, String)>,
}

fn malformed(what: impl std::fmt::Display) -> AppStateError {
    AppStateError::Malformed(what.to_string())
}

fn parse_collection(node: &Node) -> Result<CollectionAnswer, AppStateError> {
    let name = node.req_str("name").map_err(malformed)?.to_owned();
    let error = if node.attr_str("type") == Some("error") {
        let e = node.child_by_tag("error");
        let code = e.and_then(|e| e.attr_str("code")).and_then(|c| c.parse().ok()).unwrap_or(0);
        let text = e.and_then(|e| e.attr_str("text")).unwrap_or_default().to_owned();
        Some((code, text))
    } else {
        None
    };
    let snapshot = node
        .child_by_tag("snapshot")
        .and_then(Node::content_bytes)
        .map(proto::ExternalBlobReference::decode)
        .transpose()
        .map_err(|e| malformed(format!("{name} snapshot reference: {e}")))?;
    // Patches sit in <patches>; Baileys also takes them straight under <collection>.
    let holder = node.child_by_tag("patches").unwrap_or(node);
    let patches = holder
        .children_by_tag("patch")
        .filter_map(Node::content_bytes)
        .enumerate()
        .map(|(i, bytes)| {
            proto::SyncdPatch::decode(bytes)
                .map_err(|e| malformed(format!("{name} patch #{}: {e}", i + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CollectionAnswer {
        collection: name.parse().ok(),
        version: node.opt_u64("version").map_err(malformed)?,
        has_more_patches: node.opt_bool("has_more_patches").map_err(malformed)?.unwrap_or(false),
        snapshot,
        patches,
        error,
        name,
    })
}

/// The collections of an answer to [`fetch`] or [`upload`].
pub fn parse_answer(iq: &Node) -> Result<Vec<CollectionAnswer>, AppStateError> {
    let sync =
        iq.child_by_tag("sync").ok_or_else(|| malformed("app state answer without <sync>"))?;
    sync.children_by_tag("collection").map(parse_collection).collect()
}

/// The collections a `server_sync` notification says changed (unknown names are skipped).
pub fn parse_server_sync(notification: &Node) -> Vec<Collection> {
    notification
        .children_by_tag("collection")
        .filter_map(|c| c.attr_str("name"))
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// The server's side: the `<collection>` of an answer.
pub fn answer_collection(
    collection: Collection,
    version: u64,
    has_more_patches: bool,
    snapshot: Option<&proto::ExternalBlobReference>,
    patches: &[proto::SyncdPatch],
) -> Node {
    let mut node = Node::new("collection")
        .attr("name", collection.as_str())
        .attr("version", version.to_string());
    if has_more_patches {
        node = node.attr("has_more_patches", true);
    }
    if let Some(s) = snapshot {
        node.push_child(Node::new("snapshot").bytes(s.encode_to_vec()));
    }
    if !patches.is_empty() {
        node.push_child(
            Node::new("patches")
                .children(patches.iter().map(|p| Node::new("patch").bytes(p.encode_to_vec()))),
        );
    }
    node
}

/// The server's side: a refused collection (`type="error"`).
pub fn answer_collection_error(collection: Collection, code: u16, text: &str) -> Node {
    Node::new("collection")
        .attr("name", collection.as_str())
        .attr("type", "error")
        .child(Node::new("error").attr("code", code.to_string()).attr("text", text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_asks_a_snapshot_without_a_version() {
        let iq = fetch(&[
            Fetch { collection: Collection::RegularHigh, version: 0, snapshot: true },
            Fetch { collection: Collection::Regular, version: 7, snapshot: false },
        ]);
        assert_eq!(iq.attr_str("xmlns"), Some("w:sync:app:state"));
        let c: Vec<_> = iq.child_by_tag("sync").unwrap().children_by_tag("collection").collect();
        assert_eq!(c[0].attr_str("name"), Some("regular_high"));
        assert_eq!(c[0].attr_text("return_snapshot").as_deref(), Some("true"));
        assert!(!c[0].has_attr("version"));
        assert_eq!(c[1].attr_text("version").as_deref(), Some("7"));
        assert_eq!(c[1].attr_text("return_snapshot").as_deref(), Some("false"));
    }

    #[test]
    fn answers_parse_back_and_errors_are_kept() {
        let patch = proto::SyncdPatch {
            version: Some(proto::SyncdVersion { version: Some(3) }),
            ..Default::default()
        };
        let blob =
            proto::ExternalBlobReference { direct_path: Some("/v/x".into()), ..Default::default() };
        let iq = Node::new("iq").child(Node::new("sync").children([
            answer_collection(
                Collection::Regular,
                3,
                true,
                Some(&blob),
                std::slice::from_ref(&patch),
            ),
            answer_collection_error(Collection::RegularLow, 409, "conflict"),
            Node::new("collection").attr("name", "regular_future").attr("version", "1"),
        ]));
        let a = parse_answer(&iq).unwrap();
        assert_eq!(a[0].collection, Some(Collection::Regular));
        assert_eq!(a[0].version, Some(3));
        assert!(a[0].has_more_patches);
        assert_eq!(a[0].snapshot.as_ref(), Some(&blob));
        assert_eq!(a[0].patches, vec![patch]);
        assert_eq!(a[1].error, Some((409, "conflict".to_owned())));
        assert_eq!((a[2].collection, a[2].name.as_str()), (None, "regular_future"));
        let bad = Node::new("iq").child(
            Node::new("sync").child(
                Node::new("collection")
                    .attr("name", "regular")
                    .child(Node::new("patch").bytes(vec![0xff, 0xff])),
            ),
        );
        assert!(matches!(parse_answer(&bad), Err(AppStateError::Malformed(_))));
        assert!(parse_answer(&Node::new("iq")).is_err());
    }

    #[test]
    fn server_sync_names_the_collections() {
        let n = Node::new("notification").attr("type", "server_sync").children([
            Node::new("collection").attr("name", "regular_low").attr("version", "4"),
            Node::new("collection").attr("name", "nonsense"),
        ]);
        assert_eq!(parse_server_sync(&n), vec![Collection::RegularLow]);
    }
}

//! The usync envelope every user query shares (whatsmeow `usync`): `<iq xmlns="usync"
//! type="get" to="s.whatsapp.net"><usync sid mode last="true" index="0" context><query>
//! protocols…</query><list><user …/>…</list></usync></iq>`, and its answer's `<list>`.
use crate::binary::{Jid, Node, NodeError, Server};

/// A usync query: `mode` `query` or `full`, `context` `interactive`, `background`, `message`…
pub fn usync_query(
    sid: &str,
    mode: &'static str,
    context: &'static str,
    protocols: Vec<Node>,
    users: Vec<Node>,
) -> Node {
    Node::new("iq")
        .attr("xmlns", "usync")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn))
        .child(
            Node::new("usync")
                .attr("sid", sid.to_owned())
                .attr("mode", mode)
                .attr("last", "true")
                .attr("index", "0")
                .attr("context", context)
                .children([
                    Node::new("query").children(protocols),
                    Node::new("list").children(users),
                ]),
        )
}

/// The `<user>` entries of a usync answer (`<iq><usync><list>`).
pub fn answer_users(iq: &Node) -> Result<impl Iterator<Item = &Node>, NodeError> {
    Ok(iq.req_child("usync")?.req_child("list")?.children_by_tag("user"))
}

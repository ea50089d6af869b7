//! Typed readers for received nodes: required and optional attributes, children and content,
//! each failing with a [`NodeError`] that names the node and the attribute.

use std::str::FromStr;

use thiserror::Error;

use super::jid::Jid;
use super::node::{AttrValue, Node};

/// A received node lacks something the protocol requires.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NodeError {
    #[error("<{tag}> has no attribute {key:?}")]
    MissingAttr { tag: String, key: String },
    #[error("<{tag}> attribute {key}={value:?} is not {expected}")]
    InvalidAttr { tag: String, key: String, value: String, expected: &'static str },
    #[error("<{tag}> has no child <{child}>")]
    MissingChild { tag: String, child: String },
    #[error("<{tag}> has no {expected} content")]
    MissingContent { tag: String, expected: &'static str },
}

impl Node {
    fn missing(&self, key: &str) -> NodeError {
        NodeError::MissingAttr { tag: self.tag.to_string(), key: key.to_owned() }
    }

    fn invalid(&self, key: &str, value: &AttrValue, expected: &'static str) -> NodeError {
        NodeError::InvalidAttr {
            tag: self.tag.to_string(),
            key: key.to_owned(),
            value: value.to_string(),
            expected,
        }
    }

    fn req_value(&self, key: &str) -> Result<&AttrValue, NodeError> {
        self.get_attr(key).ok_or_else(|| self.missing(key))
    }

    /// The text value of `key`; a JID value is [`NodeError::InvalidAttr`].
    pub fn req_str(&self, key: &str) -> Result<&str, NodeError> {
        let value = self.req_value(key)?;
        value.as_str().ok_or_else(|| self.invalid(key, value, "text"))
    }

    /// `key` as a JID: a JID value, or text that parses as one.
    pub fn req_jid(&self, key: &str) -> Result<Jid, NodeError> {
        let value = self.req_value(key)?;
        self.jid_of(key, value)
    }

    /// Like [`Node::req_jid`], but `Ok(None)` when the attribute is absent.
    pub fn opt_jid(&self, key: &str) -> Result<Option<Jid>, NodeError> {
        self.get_attr(key).map(|value| self.jid_of(key, value)).transpose()
    }

    fn jid_of(&self, key: &str, value: &AttrValue) -> Result<Jid, NodeError> {
        match value {
            AttrValue::Jid(jid) => Ok(jid.clone()),
            AttrValue::Str(s) => s.parse().map_err(|_| self.invalid(key, value, "a JID")),
        }
    }

    /// `key` parsed with `FromStr` (`expected` names the type in the error).
    pub fn req_parse<T: FromStr>(&self, key: &str, expected: &'static str) -> Result<T, NodeError> {
        let value = self.req_value(key)?;
        self.parse_of(key, value, expected)
    }

    /// Like [`Node::req_parse`], but `Ok(None)` when the attribute is absent.
    pub fn opt_parse<T: FromStr>(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<Option<T>, NodeError> {
        self.get_attr(key).map(|value| self.parse_of(key, value, expected)).transpose()
    }

    fn parse_of<T: FromStr>(
        &self,
        key: &str,
        value: &AttrValue,
        expected: &'static str,
    ) -> Result<T, NodeError> {
        value
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| self.invalid(key, value, expected))
    }

    /// `key` as an unsigned integer (timestamps, counts, codes).
    pub fn req_u64(&self, key: &str) -> Result<u64, NodeError> {
        self.req_parse(key, "an unsigned integer")
    }

    pub fn opt_u64(&self, key: &str) -> Result<Option<u64>, NodeError> {
        self.opt_parse(key, "an unsigned integer")
    }

    /// `key` as a boolean: `true`/`1` or `false`/`0`.
    pub fn req_bool(&self, key: &str) -> Result<bool, NodeError> {
        let value = self.req_value(key)?;
        self.bool_of(key, value)
    }

    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, NodeError> {
        self.get_attr(key).map(|value| self.bool_of(key, value)).transpose()
    }

    fn bool_of(&self, key: &str, value: &AttrValue) -> Result<bool, NodeError> {
        match value.as_str() {
            Some("true" | "1") => Ok(true),
            Some("false" | "0") => Ok(false),
            _ => Err(self.invalid(key, value, "a boolean")),
        }
    }

    /// The first child with tag `tag`, or [`NodeError::MissingChild`].
    pub fn req_child(&self, tag: &str) -> Result<&Node, NodeError> {
        self.child_by_tag(tag).ok_or_else(|| NodeError::MissingChild {
            tag: self.tag.to_string(),
            child: tag.to_owned(),
        })
    }

    /// The content as bytes (raw or text), or [`NodeError::MissingContent`].
    pub fn req_bytes(&self) -> Result<&[u8], NodeError> {
        self.content_bytes().ok_or_else(|| NodeError::MissingContent {
            tag: self.tag.to_string(),
            expected: "byte",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::jid::Server;

    fn sample() -> Node {
        Node::new("message")
            .attr("id", "3EB0")
            .attr("from", Jid::group("123"))
            .attr("participant", "1555:3@s.whatsapp.net")
            .attr("t", 1700000000u64)
            .attr("offline", "0")
            .attr("bad", "x@y@z")
            .child(Node::new("enc").attr("v", "2").bytes(vec![1, 2, 3]))
            .child(Node::new("enc").attr("v", "3"))
    }

    #[test]
    fn required_and_optional_attrs() {
        let n = sample();
        assert_eq!(n.req_str("id"), Ok("3EB0"));
        assert_eq!(n.req_jid("from"), Ok(Jid::group("123")));
        assert_eq!(n.req_jid("participant"), Ok(Jid::pn("1555").with_device(3)));
        assert_eq!(n.req_u64("t"), Ok(1700000000));
        assert_eq!(n.opt_u64("missing"), Ok(None));
        assert_eq!(n.opt_bool("offline"), Ok(Some(false)));
        assert_eq!(n.opt_jid("to"), Ok(None));
        assert_eq!(n.req_jid("from").map(|j| j.server), Ok(Server::Group));
    }

    #[test]
    fn errors_name_the_problem() {
        let n = sample();
        assert_eq!(
            n.req_str("to"),
            Err(NodeError::MissingAttr { tag: "message".into(), key: "to".into() })
        );
        assert!(matches!(n.req_str("from"), Err(NodeError::InvalidAttr { expected: "text", .. })));
        assert!(matches!(n.req_u64("id"), Err(NodeError::InvalidAttr { .. })));
        assert!(matches!(n.req_jid("bad"), Err(NodeError::InvalidAttr { expected: "a JID", .. })));
        assert!(matches!(n.req_bool("id"), Err(NodeError::InvalidAttr { .. })));
        assert_eq!(
            n.req_child("body"),
            Err(NodeError::MissingChild { tag: "message".into(), child: "body".into() })
        );
        assert!(matches!(n.req_bytes(), Err(NodeError::MissingContent { .. })));
    }

    #[test]
    fn children_and_content() {
        let n = sample();
        assert_eq!(n.children_by_tag("enc").count(), 2);
        let enc = n.req_child("enc").expect("enc");
        assert_eq!(enc.req_bytes(), Ok(&[1u8, 2, 3][..]));
        assert_eq!(n.child_by_path(&["enc"]).and_then(|e| e.attr_str("v")), Some("2"));
        assert_eq!(n.child_by_path(&["enc", "x"]), None);
        assert_eq!(Node::new("a").text("hi").content_bytes(), Some(&b"hi"[..]));
        assert_eq!(Node::new("a").bytes(b"hi".to_vec()).content_str(), Some("hi"));
    }

    #[test]
    fn mutators() {
        let mut n = Node::new("iq").attr("id", "1").attr("type", "get");
        n.set_attr("type", "set");
        n.set_attr("to", Jid::server_only(Server::Pn));
        assert_eq!(n.attr_str("type"), Some("set"));
        assert_eq!(n.attrs.len(), 3);
        assert_eq!(n.attr_text("to").as_deref(), Some("@s.whatsapp.net"));
        assert_eq!(n.remove_attr("id"), Some(AttrValue::from("1")));
        assert!(!n.has_attr("id"));
        n.push_child(Node::new("ping"));
        assert_eq!(n.get_children().len(), 1);
        let n = Node::new("list").children(Vec::new());
        assert_eq!(n.content, crate::binary::Content::Nodes(vec![]));
        let n = Node::new("x").opt_attr("a", None::<&'static str>).opt_attr("b", Some("1"));
        assert_eq!(n.attrs.len(), 1);
    }
}

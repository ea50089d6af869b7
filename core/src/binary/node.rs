//! The node model: a tag, ordered attributes and content, with a builder and readers.
//!
//! Tags, keys and token values are `Cow<'static, str>`, so literals and decoded tokens cost no
//! allocation. Attribute order is kept because it fixes the encoded bytes.

use std::borrow::Cow;
use std::fmt;

use super::jid::Jid;

/// One attribute value: text, or a typed JID (written with the JID tags on the wire).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttrValue {
    Str(Cow<'static, str>),
    Jid(Jid),
}

impl AttrValue {
    /// The text of a text value (`None` for a JID).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) => Some(s),
            AttrValue::Jid(_) => None,
        }
    }

    /// The JID of a JID value (`None` for text, even text that parses as a JID).
    pub fn as_jid(&self) -> Option<&Jid> {
        match self {
            AttrValue::Jid(jid) => Some(jid),
            AttrValue::Str(_) => None,
        }
    }

    /// The value as text, whatever its kind.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            AttrValue::Str(s) => Cow::Borrowed(s),
            AttrValue::Jid(jid) => Cow::Owned(jid.to_string()),
        }
    }

    /// Whether the encoder skips this value (empty text, as whatsmeow does).
    pub fn is_empty(&self) -> bool {
        matches!(self, AttrValue::Str(s) if s.is_empty())
    }
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Str(s) => f.write_str(s),
            AttrValue::Jid(jid) => jid.fmt(f),
        }
    }
}

impl From<&'static str> for AttrValue {
    fn from(s: &'static str) -> Self {
        AttrValue::Str(Cow::Borrowed(s))
    }
}

impl From<String> for AttrValue {
    fn from(s: String) -> Self {
        AttrValue::Str(Cow::Owned(s))
    }
}

impl From<&String> for AttrValue {
    fn from(s: &String) -> Self {
        AttrValue::Str(Cow::Owned(s.clone()))
    }
}

impl From<Cow<'static, str>> for AttrValue {
    fn from(s: Cow<'static, str>) -> Self {
        AttrValue::Str(s)
    }
}

impl From<Jid> for AttrValue {
    fn from(jid: Jid) -> Self {
        AttrValue::Jid(jid)
    }
}

impl From<&Jid> for AttrValue {
    fn from(jid: &Jid) -> Self {
        AttrValue::Jid(jid.clone())
    }
}

impl From<bool> for AttrValue {
    fn from(b: bool) -> Self {
        AttrValue::Str(Cow::Borrowed(if b { "true" } else { "false" }))
    }
}

macro_rules! attr_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for AttrValue {
            fn from(n: $t) -> Self {
                AttrValue::Str(Cow::Owned(n.to_string()))
            }
        }
    )*};
}
attr_from_int!(u8, u16, u32, u64, usize, i32, i64);

/// What a node holds after its attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Content {
    #[default]
    None,
    /// Child nodes (an empty list is written as LIST_EMPTY, distinct from no content).
    Nodes(Vec<Node>),
    /// Raw bytes, always written as BINARY_8/20/32.
    Bytes(Vec<u8>),
    /// Text, written like an attribute value (token, packed digits, JID or raw). The decoder
    /// yields `Text` for content that came as a token, packed string or JID, and `Bytes` for
    /// raw content, so decoding then encoding reproduces the input bytes.
    Text(Cow<'static, str>),
}

impl From<Vec<Node>> for Content {
    fn from(nodes: Vec<Node>) -> Self {
        Content::Nodes(nodes)
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Self {
        Content::Bytes(bytes)
    }
}

/// A binary XML element.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Node {
    pub tag: Cow<'static, str>,
    pub attrs: Vec<(Cow<'static, str>, AttrValue)>,
    pub content: Content,
}

impl Node {
    /// `<tag/>`.
    pub fn new(tag: impl Into<Cow<'static, str>>) -> Node {
        Node { tag: tag.into(), attrs: Vec::new(), content: Content::None }
    }

    /// Appends an attribute (builder). Keys are not checked for duplicates; use
    /// [`Node::set_attr`] to replace a value.
    pub fn attr(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<AttrValue>) -> Node {
        self.attrs.push((key.into(), value.into()));
        self
    }

    /// Appends an attribute when `value` is `Some` (builder).
    pub fn opt_attr<V: Into<AttrValue>>(
        self,
        key: impl Into<Cow<'static, str>>,
        value: Option<V>,
    ) -> Node {
        match value {
            Some(value) => self.attr(key, value),
            None => self,
        }
    }

    /// Appends one child (builder); replaces byte or text content.
    pub fn child(mut self, child: Node) -> Node {
        self.push_child(child);
        self
    }

    /// Appends children (builder); sets an empty child list when `children` is empty.
    pub fn children(mut self, children: impl IntoIterator<Item = Node>) -> Node {
        match &mut self.content {
            Content::Nodes(nodes) => nodes.extend(children),
            other => *other = Content::Nodes(children.into_iter().collect()),
        }
        self
    }

    /// Sets raw byte content (builder).
    pub fn bytes(mut self, bytes: impl Into<Vec<u8>>) -> Node {
        self.content = Content::Bytes(bytes.into());
        self
    }

    /// Sets text content (builder).
    pub fn text(mut self, text: impl Into<Cow<'static, str>>) -> Node {
        self.content = Content::Text(text.into());
        self
    }

    /// Sets any content (builder).
    pub fn with_content(mut self, content: impl Into<Content>) -> Node {
        self.content = content.into();
        self
    }

    /// Sets `key` to `value`, replacing an existing value in place.
    pub fn set_attr(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<AttrValue>) {
        let key = key.into();
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.attrs.push((key, value)),
        }
    }

    /// Removes `key` and returns its value.
    pub fn remove_attr(&mut self, key: &str) -> Option<AttrValue> {
        let at = self.attrs.iter().position(|(k, _)| k == key)?;
        Some(self.attrs.remove(at).1)
    }

    /// Appends a child, turning other content into a child list.
    pub fn push_child(&mut self, child: Node) {
        match &mut self.content {
            Content::Nodes(nodes) => nodes.push(child),
            other => *other = Content::Nodes(vec![child]),
        }
    }

    /// The value of `key`.
    pub fn get_attr(&self, key: &str) -> Option<&AttrValue> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn has_attr(&self, key: &str) -> bool {
        self.get_attr(key).is_some()
    }

    /// The text value of `key` (`None` when absent or a JID; see [`Node::attr_text`]).
    pub fn attr_str(&self, key: &str) -> Option<&str> {
        self.get_attr(key).and_then(AttrValue::as_str)
    }

    /// The value of `key` as text, whatever its kind.
    pub fn attr_text(&self, key: &str) -> Option<Cow<'_, str>> {
        self.get_attr(key).map(AttrValue::text)
    }

    /// The child nodes (empty when the content is not a child list).
    pub fn get_children(&self) -> &[Node] {
        match &self.content {
            Content::Nodes(nodes) => nodes,
            _ => &[],
        }
    }

    /// The first child with tag `tag`.
    pub fn child_by_tag(&self, tag: &str) -> Option<&Node> {
        self.get_children().iter().find(|n| n.tag == tag)
    }

    /// Every child with tag `tag`, in order.
    pub fn children_by_tag<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.get_children().iter().filter(move |n| n.tag == tag)
    }

    /// Follows first children by tag: `child_by_path(&["pair-success", "device"])`.
    pub fn child_by_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, tag| node.child_by_tag(tag))
    }

    /// The content as bytes: raw bytes, or the UTF-8 of text content.
    pub fn content_bytes(&self) -> Option<&[u8]> {
        match &self.content {
            Content::Bytes(b) => Some(b),
            Content::Text(t) => Some(t.as_bytes()),
            _ => None,
        }
    }

    /// The content as text: text content, or raw bytes that are valid UTF-8.
    pub fn content_str(&self) -> Option<&str> {
        match &self.content {
            Content::Text(t) => Some(t),
            Content::Bytes(b) => std::str::from_utf8(b).ok(),
            _ => None,
        }
    }
}

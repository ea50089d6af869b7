//! XML-like rendering of nodes for logs: `{}` on one line, `{:#}` indented.
//!
//! Byte content is shown as text when it is printable UTF-8, else as hex (cut after
//! [`MAX_SHOWN_BYTES`]), so a log line never carries megabytes.

use std::fmt::{self, Write};

use super::node::{Content, Node};

/// Bytes of binary content shown before the rendering is cut.
pub const MAX_SHOWN_BYTES: usize = 64;

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let indent = if f.alternate() { Some(0) } else { None };
        write_node(f, self, indent)
    }
}

fn write_node(f: &mut fmt::Formatter<'_>, node: &Node, indent: Option<usize>) -> fmt::Result {
    if let Some(level) = indent {
        write!(f, "{:width$}", "", width = level * 2)?;
    }
    write!(f, "<{}", node.tag)?;
    for (key, value) in &node.attrs {
        write!(f, " {key}=\"")?;
        escape(f, &value.text())?;
        f.write_char('"')?;
    }
    match &node.content {
        Content::None => f.write_str("/>"),
        Content::Nodes(children) if children.is_empty() => write!(f, "></{}>", node.tag),
        Content::Nodes(children) => {
            f.write_char('>')?;
            for child in children {
                if indent.is_some() {
                    f.write_char('\n')?;
                }
                write_node(f, child, indent.map(|level| level + 1))?;
            }
            if let Some(level) = indent {
                write!(f, "\n{:width$}", "", width = level * 2)?;
            }
            write!(f, "</{}>", node.tag)
        }
        Content::Text(text) => {
            f.write_char('>')?;
            escape(f, text)?;
            write!(f, "</{}>", node.tag)
        }
        Content::Bytes(bytes) => {
            f.write_char('>')?;
            write_bytes(f, bytes)?;
            write!(f, "</{}>", node.tag)
        }
    }
}

fn write_bytes(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.len() <= 4 * MAX_SHOWN_BYTES && !text.chars().any(|c| c.is_control()) {
            return escape(f, text);
        }
    }
    write!(f, "<!-- {} bytes: ", bytes.len())?;
    for b in bytes.iter().take(MAX_SHOWN_BYTES) {
        write!(f, "{b:02x}")?;
    }
    if bytes.len() > MAX_SHOWN_BYTES {
        f.write_str("…")?;
    }
    f.write_str(" -->")
}

fn escape(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        match c {
            '&' => f.write_str("&amp;")?,
            '<' => f.write_str("&lt;")?,
            '>' => f.write_str("&gt;")?,
            '"' => f.write_str("&quot;")?,
            c => f.write_char(c)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::binary::{Jid, Node};

    fn sample() -> Node {
        Node::new("message")
            .attr("id", "3EB0")
            .attr("to", Jid::pn("1555"))
            .attr("name", "a\"<b>&")
            .child(Node::new("enc").attr("v", "2").bytes(vec![0xde, 0xad, 0x00]))
            .child(Node::new("body").text("hi"))
            .child(Node::new("list").children(vec![]))
            .child(Node::new("ref").bytes(b"2@abc".to_vec()))
    }

    #[test]
    fn compact_rendering() {
        assert_eq!(
            sample().to_string(),
            "<message id=\"3EB0\" to=\"1555@s.whatsapp.net\" name=\"a&quot;&lt;b&gt;&amp;\">\
             <enc v=\"2\"><!-- 3 bytes: dead00 --></enc><body>hi</body><list></list>\
             <ref>2@abc</ref></message>"
        );
    }

    #[test]
    fn indented_rendering() {
        let text = format!("{:#}", Node::new("iq").child(Node::new("ping")));
        assert_eq!(text, "<iq>\n  <ping/>\n</iq>");
    }

    #[test]
    fn long_binary_is_cut() {
        let text = Node::new("media").bytes(vec![0xff; 1000]).to_string();
        assert!(text.starts_with("<media><!-- 1000 bytes: ffff"));
        assert!(text.len() < 200, "{}", text.len());
    }
}

//! Profile pictures (whatsmeow `GetProfilePictureInfo`): `<iq xmlns="w:profile:picture"
//! type="get" to="s.whatsapp.net" target=jid><picture query="url" type="image|preview"/></iq>`
//! → `<picture id url type direct_path/>`. No picture is a 404 error answer, or a `<picture
//! status="204">`. Setting one (whatsmeow `SetGroupPhoto`): `type="set"`, `target` the group
//! (none for our own picture), `<picture type="image">JPEG</picture>` (no child removes it) →
//! `<picture id/>`.
use super::UserError;
use crate::binary::{Jid, Node, Server};
use crate::types::ProfilePicture;

/// The query for `target`'s (a user's or a group's) picture, full size or the thumbnail.
pub fn profile_picture_query(target: &Jid, preview: bool) -> Node {
    let kind = if preview { "preview" } else { "image" };
    Node::new("iq")
        .attr("xmlns", "w:profile:picture")
        .attr("type", "get")
        .attr("to", Jid::server_only(Server::Pn))
        .attr("target", target.to_non_ad())
        .child(Node::new("picture").attr("query", "url").attr("type", kind))
}

/// Sets (`Some(jpeg)`) or removes (`None`) the picture of `target` (a group), or our own
/// when `target` is `None`.
pub fn set_picture_query(target: Option<&Jid>, jpeg: Option<Vec<u8>>) -> Node {
    let mut iq = Node::new("iq")
        .attr("xmlns", "w:profile:picture")
        .attr("type", "set")
        .attr("to", Jid::server_only(Server::Pn));
    if let Some(target) = target {
        iq = iq.attr("target", target.to_non_ad());
    }
    match jpeg {
        Some(jpeg) => iq.child(Node::new("picture").attr("type", "image").bytes(jpeg)),
        None => iq,
    }
}

/// The new picture's id from a set answer (`None` after a removal).
pub fn parse_set_picture(iq: &Node) -> Result<Option<String>, UserError> {
    match iq.child_by_tag("picture") {
        Some(picture) => Ok(Some(picture.req_str("id")?.to_owned())),
        None => Ok(None),
    }
}

/// The picture of a result answer; `None` when the answer says there is none.
pub fn parse_profile_picture(iq: &Node) -> Result<Option<ProfilePicture>, UserError> {
    let picture = iq.req_child("picture")?;
    // 204: no picture; 304: unchanged since the id we sent (we send none).
    if matches!(picture.opt_u64("status")?, Some(204 | 304)) {
        return Ok(None);
    }
    Ok(Some(ProfilePicture {
        url: picture.req_str("url")?.to_owned(),
        id: picture.req_str("id")?.to_owned(),
        kind: picture.attr_str("type").unwrap_or("image").to_owned(),
        direct_path: picture.attr_str("direct_path").unwrap_or_default().to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binary::NodeError;

    fn answer(picture: Node) -> Node {
        Node::new("iq").attr("type", "result").child(picture)
    }

    #[test]
    fn query_and_answer() {
        let iq = profile_picture_query(&Jid::pn("1").with_device(4), true);
        assert_eq!(iq.get_attr("target").and_then(|v| v.as_jid()), Some(&Jid::pn("1")));
        assert_eq!(iq.child_by_tag("picture").and_then(|p| p.attr_str("type")), Some("preview"));
        let picture = parse_profile_picture(&answer(
            Node::new("picture")
                .attr("id", "9")
                .attr("url", "https://h/p")
                .attr("type", "image")
                .attr("direct_path", "/p"),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(
            picture,
            ProfilePicture {
                url: "https://h/p".into(),
                id: "9".into(),
                kind: "image".into(),
                direct_path: "/p".into()
            }
        );
        assert_eq!(
            parse_profile_picture(&answer(Node::new("picture").attr("status", "204"))),
            Ok(None)
        );
    }

    #[test]
    fn set_queries_and_answers() {
        let group: Jid = "1-2@g.us".parse().unwrap();
        let iq = set_picture_query(Some(&group), Some(vec![0xFF, 0xD8]));
        assert_eq!(iq.attr_str("type"), Some("set"));
        assert_eq!(iq.get_attr("target").and_then(|v| v.as_jid()), Some(&group));
        let picture = iq.child_by_tag("picture").unwrap();
        assert_eq!(picture.content_bytes(), Some(&[0xFF, 0xD8][..]));
        let removal = set_picture_query(None, None);
        assert!(removal.get_attr("target").is_none() && removal.child_by_tag("picture").is_none());
        assert_eq!(
            parse_set_picture(&answer(Node::new("picture").attr("id", "77"))),
            Ok(Some("77".into()))
        );
        assert_eq!(parse_set_picture(&Node::new("iq")), Ok(None));
        assert!(parse_set_picture(&answer(Node::new("picture"))).is_err(), "no id");
    }

    #[test]
    fn malformed_answers_are_typed_errors() {
        assert!(matches!(
            parse_profile_picture(&Node::new("iq")),
            Err(UserError::Malformed(NodeError::MissingChild { .. }))
        ));
        assert!(matches!(
            parse_profile_picture(&answer(Node::new("picture").attr("id", "9"))),
            Err(UserError::Malformed(NodeError::MissingAttr { .. }))
        ));
        assert!(matches!(
            parse_profile_picture(&answer(Node::new("picture").attr("status", "ok"))),
            Err(UserError::Malformed(NodeError::InvalidAttr { .. }))
        ));
    }
}

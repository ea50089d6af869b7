//! `/chat/send/{image,audio,video,document,sticker}`: the file comes as a `data:` URL in the
//! body, is encrypted and uploaded to the media host, then sent as the matching media message.
//! As wuzapi: an audio is a voice note (`ptt`, `audio/ogg; codecs=opus` for Ogg files), a
//! document needs a `FileName`, a sticker may carry a `PngThumbnail` and a video a
//! `JpegThumbnail` (both base64). The media kind of the `data:` URL must match the endpoint
//! (`data:image/…` for images and stickers, `data:video/…`, `data:audio/…`; documents take
//! any).
use serde::Deserialize;
use wazap::client::ClientError;
use wazap::crypto::media::MediaType;
use wazap::proto;

use super::outgoing::{given, quoted, ready, reply_context, send, ContextInfo};
use super::session::client_error;
use crate::auth::UserAuth;
use crate::body::Body;
use crate::data_url::{self, DataUrl};
use crate::envelope::{ApiError, ApiResult};
use crate::phone::parse_jid;

/// Largest request body of these endpoints by default: the file travels base64-encoded in the
/// JSON, so about 48 MiB of file.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The mimetype WhatsApp plays voice notes with (wuzapi sends every audio with it).
const VOICE_NOTE_MIME: &str = "audio/ogg; codecs=opus";

/// One endpoint's media kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Image,
    Video,
    Audio,
    Document,
    Sticker,
}

impl Kind {
    /// The body field holding the file.
    fn field(self) -> &'static str {
        match self {
            Kind::Image => "Image",
            Kind::Video => "Video",
            Kind::Audio => "Audio",
            Kind::Document => "Document",
            Kind::Sticker => "Sticker",
        }
    }

    /// What the `data:` URL's media type must start with.
    fn mime_prefix(self) -> &'static str {
        match self {
            Kind::Image | Kind::Sticker => "image/",
            Kind::Video => "video/",
            Kind::Audio => "audio/",
            Kind::Document => "",
        }
    }

    fn media_type(self) -> MediaType {
        match self {
            Kind::Image => MediaType::Image,
            Kind::Video => MediaType::Video,
            Kind::Audio => MediaType::Audio,
            Kind::Document => MediaType::Document,
            Kind::Sticker => MediaType::Sticker,
        }
    }
}

/// The body of every media endpoint (each reads its own file field).
#[derive(Deserialize)]
pub struct SendMedia {
    phone: String,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    video: Option<String>,
    #[serde(default)]
    audio: Option<String>,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    sticker: Option<String>,
    #[serde(default)]
    caption: Option<String>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    pngthumbnail: Option<String>,
    #[serde(default)]
    jpegthumbnail: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    contextinfo: Option<ContextInfo>,
}

impl SendMedia {
    fn file(&self, kind: Kind) -> &Option<String> {
        match kind {
            Kind::Image => &self.image,
            Kind::Video => &self.video,
            Kind::Audio => &self.audio,
            Kind::Document => &self.document,
            Kind::Sticker => &self.sticker,
        }
    }
}

pub async fn image(UserAuth(user): UserAuth, Body(request): Body<SendMedia>) -> ApiResult {
    send_media(&user, request, Kind::Image).await
}

pub async fn video(UserAuth(user): UserAuth, Body(request): Body<SendMedia>) -> ApiResult {
    send_media(&user, request, Kind::Video).await
}

pub async fn audio(UserAuth(user): UserAuth, Body(request): Body<SendMedia>) -> ApiResult {
    send_media(&user, request, Kind::Audio).await
}

pub async fn document(UserAuth(user): UserAuth, Body(request): Body<SendMedia>) -> ApiResult {
    send_media(&user, request, Kind::Document).await
}

pub async fn sticker(UserAuth(user): UserAuth, Body(request): Body<SendMedia>) -> ApiResult {
    send_media(&user, request, Kind::Sticker).await
}

/// An optional base64 field (thumbnails); the error names it.
fn optional_bytes(value: &Option<String>, field: &str) -> Result<Option<Vec<u8>>, ApiError> {
    given(value)
        .map(|text| {
            data_url::base64(text)
                .map_err(|e| ApiError::bad_request(format!("{field} is not valid base64: {e}")))
        })
        .transpose()
}

/// The file of `kind` from its `data:` URL field.
fn file(request: &SendMedia, kind: Kind) -> Result<DataUrl, ApiError> {
    let field = kind.field();
    let text = given(request.file(kind))
        .ok_or_else(|| ApiError::bad_request(format!("missing {field} in payload")))?;
    data_url::parse(text, kind.mime_prefix())
        .map_err(|e| ApiError::bad_request(format!("{field} {e}")))
}

async fn send_media(user: &crate::state::User, request: SendMedia, kind: Kind) -> ApiResult {
    let to = parse_jid(&request.phone, "Phone")?;
    let file = file(&request, kind)?;
    let file_name = match kind {
        Kind::Document => Some(
            given(&request.filename)
                .ok_or_else(|| ApiError::bad_request("missing FileName in payload"))?
                .to_owned(),
        ),
        _ => None,
    };
    let png_thumbnail = optional_bytes(&request.pngthumbnail, "PngThumbnail")?;
    let jpeg_thumbnail = optional_bytes(&request.jpegthumbnail, "JpegThumbnail")?;
    let context = reply_context(&quoted(request.contextinfo.as_ref())?);
    let caption = given(&request.caption);
    ready(user)?;

    let mime = match kind {
        Kind::Audio if file.essence() == "audio/ogg" => VOICE_NOTE_MIME.to_owned(),
        // RFC 2397: a data URL without a media type is text/plain; a document still needs one.
        Kind::Document if file.mime.is_empty() => "application/octet-stream".to_owned(),
        _ => file.mime.clone(),
    };
    let uploaded =
        user.session.client.upload(file.data, kind.media_type()).await.map_err(|e| match e {
            ClientError::Media(_) => ApiError::upstream(format!("upload failed: {e}")),
            other => client_error(other),
        })?;
    let mut message = match kind {
        Kind::Image => uploaded.image_message(&mime, caption),
        Kind::Video => uploaded.video_message(&mime, caption),
        Kind::Audio => uploaded.audio_message(&mime, true),
        Kind::Document => {
            uploaded.document_message(&mime, file_name.as_deref().unwrap_or_default(), caption)
        }
        Kind::Sticker => uploaded.sticker_message(&mime),
    };
    decorate(&mut message, context, png_thumbnail, jpeg_thumbnail);
    send(user, to, message, &request.id).await
}

/// Adds what the builders leave out: the quoted message and the thumbnails.
fn decorate(
    message: &mut proto::Message,
    context: Option<Box<proto::ContextInfo>>,
    png_thumbnail: Option<Vec<u8>>,
    jpeg_thumbnail: Option<Vec<u8>>,
) {
    if let Some(m) = message.image_message.as_deref_mut() {
        m.context_info = context;
    } else if let Some(m) = message.video_message.as_deref_mut() {
        m.context_info = context;
        m.jpeg_thumbnail = jpeg_thumbnail;
    } else if let Some(m) = message.audio_message.as_deref_mut() {
        m.context_info = context;
    } else if let Some(m) = message.document_message.as_deref_mut() {
        m.context_info = context;
    } else if let Some(m) = message.sticker_message.as_deref_mut() {
        m.context_info = context;
        m.png_thumbnail = png_thumbnail;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::decode;

    fn request(json: &str) -> SendMedia {
        decode(json.as_bytes()).map_err(|e| e.message).unwrap()
    }

    #[test]
    fn each_endpoint_reads_its_own_field_and_kind() {
        let r = request(r#"{"Phone":"1","Image":"data:image/png;base64,AQI=","Audio":"x"}"#);
        assert_eq!(file(&r, Kind::Image).unwrap().data, [1, 2]);
        let e = file(&r, Kind::Video).unwrap_err();
        assert_eq!((e.status.as_u16(), e.message.as_str()), (400, "missing Video in payload"));
        let e = file(&r, Kind::Audio).unwrap_err();
        assert!(e.message.starts_with("Audio is not a data URL"), "{}", e.message);
        let r = request(r#"{"Phone":"1","Sticker":"data:video/mp4;base64,AQI="}"#);
        let e = file(&r, Kind::Sticker).unwrap_err();
        assert!(e.message.contains("Sticker must be a data:image/"), "{}", e.message);
        let r = request(r#"{"Phone":"1","Document":"data:;base64,AQI="}"#);
        assert!(file(&r, Kind::Document).is_ok());
    }

    #[test]
    fn thumbnails_and_quotes_land_on_the_media_message() {
        let mut message =
            proto::Message { sticker_message: Some(Box::default()), ..Default::default() };
        let jid: wazap::binary::Jid = "15550001111:2@s.whatsapp.net".parse().unwrap();
        let context = reply_context(&Some(("ABC".into(), jid)));
        decorate(&mut message, context, Some(vec![7]), Some(vec![8]));
        let sticker = message.sticker_message.unwrap();
        assert_eq!(sticker.png_thumbnail, Some(vec![7]));
        let context = sticker.context_info.unwrap();
        assert_eq!(context.stanza_id.as_deref(), Some("ABC"));
        assert_eq!(context.participant.as_deref(), Some("15550001111@s.whatsapp.net"));
    }
}

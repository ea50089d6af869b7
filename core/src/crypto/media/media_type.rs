//! Which kind of file is encrypted: it selects the HKDF info string and the upload path.

/// A kind of encrypted WhatsApp media.
///
/// HKDF info strings are wire facts from whatsmeow `download.go` (`MediaImage = "WhatsApp Image
/// Keys"`, …, `MediaStickerPack = "WhatsApp Sticker Pack Keys"`) and Baileys
/// `src/Defaults/index.ts` `MEDIA_HKDF_KEY_MAPPING` (sticker → `Image`). Upload path segments
/// follow whatsmeow's `mediaTypeToMMSType` (stickers are uploaded as `image`, as whatsmeow's
/// `classToMediaType` and Baileys' `MEDIA_PATH_MAP` agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Image,
    Video,
    Audio,
    Document,
    /// A sticker: encrypted and uploaded exactly like an image.
    Sticker,
    /// A sticker pack archive (whatsmeow `MediaStickerPack`).
    StickerPack,
    /// A history-sync blob (`HistorySyncNotification`).
    History,
    /// An app-state external blob (`ExternalBlobReference`).
    AppState,
    /// A link-preview thumbnail (`ExtendedTextMessage.thumbnail*`).
    LinkThumbnail,
}

impl MediaType {
    /// Every variant, for iteration.
    pub const ALL: [MediaType; 9] = [
        MediaType::Image,
        MediaType::Video,
        MediaType::Audio,
        MediaType::Document,
        MediaType::Sticker,
        MediaType::StickerPack,
        MediaType::History,
        MediaType::AppState,
        MediaType::LinkThumbnail,
    ];

    /// The HKDF-SHA256 `info` used to expand the media key.
    pub fn hkdf_info(self) -> &'static str {
        match self {
            MediaType::Image | MediaType::Sticker => "WhatsApp Image Keys",
            MediaType::Video => "WhatsApp Video Keys",
            MediaType::Audio => "WhatsApp Audio Keys",
            MediaType::Document => "WhatsApp Document Keys",
            MediaType::StickerPack => "WhatsApp Sticker Pack Keys",
            MediaType::History => "WhatsApp History Keys",
            MediaType::AppState => "WhatsApp App State Keys",
            MediaType::LinkThumbnail => "WhatsApp Link Thumbnail Keys",
        }
    }

    /// The `<type>` segment of `/mms/<type>/<token>` for uploads, also sent as `mms-type=` on
    /// downloads (whatsmeow `mediaTypeToMMSType`).
    pub fn mms_type(self) -> &'static str {
        match self {
            MediaType::Image | MediaType::Sticker => "image",
            MediaType::Video => "video",
            MediaType::Audio => "audio",
            MediaType::Document => "document",
            MediaType::StickerPack => "sticker-pack",
            MediaType::History => "md-msg-hist",
            MediaType::AppState => "md-app-state",
            MediaType::LinkThumbnail => "thumbnail-link",
        }
    }

    /// The type's name as Baileys spells it (its `MediaType` keys, e.g. `"md-msg-hist"`).
    pub fn name(self) -> &'static str {
        match self {
            MediaType::Image => "image",
            MediaType::Video => "video",
            MediaType::Audio => "audio",
            MediaType::Document => "document",
            MediaType::Sticker => "sticker",
            MediaType::StickerPack => "sticker-pack",
            MediaType::History => "md-msg-hist",
            MediaType::AppState => "md-app-state",
            MediaType::LinkThumbnail => "thumbnail-link",
        }
    }

    /// The inverse of [`MediaType::name`].
    pub fn from_name(name: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|t| t.name() == name)
    }
}

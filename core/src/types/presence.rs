//! Presence and chat states (spelled in `api::names`).

/// Our availability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Available,
    Unavailable,
}

/// Typing state in a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatState {
    Composing,
    Paused,
}

/// What is being composed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatStateMedia {
    Text,
    Audio,
}

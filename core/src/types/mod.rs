//! Types the public API hands to applications (and, as JSON, to the C, Python, Node and REST
//! layers).
pub mod events;

pub use events::Event;

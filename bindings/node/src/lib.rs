//! Node.js bindings of wazap. This cdylib exports one class, `NativeClient`; `index.js` wraps
//! it into the public `Client` (an EventEmitter with Promise-returning methods, argument
//! checks and coded errors). Keep the native surface small: strings, booleans and JSON in and
//! out, so that adding a core feature is one method here, one in `index.js`, one in
//! `index.d.ts`.
mod client;
mod config;
mod error;
mod events;

//! Pairing a companion device with a primary phone: the pure protocol logic of both sides, no
//! I/O. Stanza handling and sockets live elsewhere.
//!
//! - [`qr`]: QR strings (companion builds, phone parses) and their rotation timing.
//! - [`pair_success`]: the companion verifies and countersigns the phone's signed identity.
//! - [`primary`]: the phone issues that identity and checks the countersignature.
//! - [`key_index_list`]: the account's signed list of valid companion key indexes.
//! - [`link_code`] and [`code_pairing`]: pairing by 8-character code instead of a QR scan.
//! - [`adv`]: the HMAC and signature primitives and prefixes the others share.
//!
//! The phone's halves (issuing identities, signing key index lists, the primary side of code
//! pairing) are behind the `server` feature: only the sandbox's simulated phones use them.

pub mod adv;
pub mod code_pairing;
pub mod key_index_list;
pub mod link_code;
pub mod pair_success;
#[cfg(feature = "server")]
pub mod primary;
pub mod qr;

pub use adv::{AccountKind, AdvError, PairIqError};
pub use code_pairing::{CodePairingError, CompanionCodePairing, CompanionFinish};
#[cfg(feature = "server")]
pub use code_pairing::{PrimaryCodePairing, PrimaryFinish};
#[cfg(feature = "server")]
pub use key_index_list::sign_key_index_list;
pub use key_index_list::verify_key_index_list;
pub use link_code::{PairingCode, PairingCodeError, WrappedKeyTooShort};
pub use pair_success::{complete_pair_success, CompanionPairing};
#[cfg(feature = "server")]
pub use primary::{issue_device_identity, verify_pair_device_sign, DeviceGrant, SignedDevice};
pub use qr::{parse_qr, qr_string, qr_timeout, CompanionClientType, QrData, QrError};

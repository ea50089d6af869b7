//! Wire-format compatibility and robustness: the known-answer vectors of independent
//! implementations, property tests of the codecs. One test binary (one link) for all of them.

mod app_state_vectors;
mod binary_errors;
mod binary_props;
mod binary_vectors;
mod cert_chain;
mod common;
mod frame_codec_props;
mod media_vectors;
mod noise_vectors;
mod pair_payload;
mod poll_vote_vectors;
mod proto_schema;
mod sender_key_vectors;
mod signal_session_vectors;
mod xeddsa_vectors;

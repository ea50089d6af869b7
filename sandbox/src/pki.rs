//! The sandbox's certificate chain: a root key pair (the key a client is told to trust instead of
//! WhatsApp's), an intermediate signed by the root and a leaf signed by the intermediate that
//! vouches for the server's Noise static key (`wazap::socket::build_cert_chain`: serials 1 and 2,
//! XEdDSA signatures). With `--data` the three keys persist, so clients keep trusting the root
//! across restarts; the chain itself is re-signed at every start with fresh validity times.
use std::time::{SystemTime, UNIX_EPOCH};

use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use wazap::crypto::{KeyPair, PublicKey};
use wazap::socket::build_cert_chain;

use crate::state::codec::Key32;

/// How far back the certificates' `notBefore` lies, to tolerate clock skew of a client.
const VALID_BEFORE_SECS: u64 = 24 * 3600;
/// How long the certificates stay valid after a start.
const VALID_FOR_SECS: u64 = 365 * 24 * 3600;

/// The keys and the signed chain the Noise responder sends.
#[derive(Clone, Debug)]
pub struct Pki {
    pub root: KeyPair,
    pub intermediate: KeyPair,
    /// The server's Noise static key, which the leaf certifies.
    pub server_static: KeyPair,
    /// The marshalled `CertChain` for the server hello.
    pub cert_chain: Vec<u8>,
}

/// The persisted form: the three private keys.
#[derive(Serialize, Deserialize)]
pub struct StoredPki {
    pub root: Key32,
    pub intermediate: Key32,
    pub server_static: Key32,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Pki {
    /// Fresh random keys.
    pub fn generate() -> Self {
        Self::from_keys(
            KeyPair::generate(&mut OsRng),
            KeyPair::generate(&mut OsRng),
            KeyPair::generate(&mut OsRng),
        )
    }

    /// Signs a chain for the given keys, valid from a day ago for a year.
    pub fn from_keys(root: KeyPair, intermediate: KeyPair, server_static: KeyPair) -> Self {
        let now = now();
        let cert_chain = build_cert_chain(
            &root,
            &intermediate,
            &server_static.public,
            Some(now.saturating_sub(VALID_BEFORE_SECS)),
            Some(now + VALID_FOR_SECS),
        );
        Self { root, intermediate, server_static, cert_chain }
    }

    pub fn root_public(&self) -> PublicKey {
        self.root.public
    }

    pub fn to_stored(&self) -> StoredPki {
        StoredPki {
            root: Key32(*self.root.private_bytes()),
            intermediate: Key32(*self.intermediate.private_bytes()),
            server_static: Key32(*self.server_static.private_bytes()),
        }
    }

    pub fn from_stored(stored: &StoredPki) -> Self {
        Self::from_keys(
            KeyPair::from_private(stored.root.0),
            KeyPair::from_private(stored.intermediate.0),
            KeyPair::from_private(stored.server_static.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wazap::socket::verify_cert_chain;

    #[test]
    fn chain_verifies_against_the_sandbox_root_only() {
        let pki = Pki::generate();
        let now = now();
        let chain =
            verify_cert_chain(&pki.cert_chain, &pki.root_public(), &pki.server_static.public, now)
                .expect("own chain verifies");
        assert_eq!(chain.leaf.key, pki.server_static.public.0.to_vec());
        assert!(verify_cert_chain(
            &pki.cert_chain,
            &wazap::socket::DEFAULT_ROOT_KEY,
            &pki.server_static.public,
            now
        )
        .is_err());
        let again = Pki::from_stored(&pki.to_stored());
        assert_eq!(again.root_public(), pki.root_public());
    }
}

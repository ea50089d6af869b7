//! The server's certificate chain, sent encrypted in its hello: an intermediate certificate
//! signed by a root key, and a leaf certificate signed by the intermediate that vouches for the
//! server's Noise static key. Signatures are libsignal curve25519 signatures over the marshalled
//! `details` bytes. The checks follow protocol-notes §1 (whatsmeow `handshake.go`
//! `verifyServerCert`, which trusts the root below).
use prost::Message;

use crate::crypto::{verify, KeyPair, PublicKey};
use crate::proto::cert_chain::noise_certificate::Details;
use crate::proto::cert_chain::NoiseCertificate;
use crate::proto::CertChain;

use super::error::{CertError, CertLevel};

/// WhatsApp's certificate root key, `142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b`
/// (WhiskeySockets/Baileys `src/Defaults/index.ts` `WA_CERT_DETAILS.PUBLIC_KEY`).
pub const DEFAULT_ROOT_KEY: PublicKey = PublicKey([
    0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e, 0xbe, 0x51, 0x64, 0x37,
    0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c, 0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
]);

/// The fields of a certificate's `details`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertDetails {
    pub serial: u32,
    /// The serial of the issuing certificate; 0 means the root.
    pub issuer_serial: u32,
    /// The certified key (32 bytes when valid).
    pub key: Vec<u8>,
    /// Unix seconds; `None` when the certificate does not say.
    pub not_before: Option<u64>,
    pub not_after: Option<u64>,
}

/// A certificate as sent: marshalled details and a signature over exactly those bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCert {
    pub details: Vec<u8>,
    pub signature: Vec<u8>,
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    pub intermediate: CertDetails,
    pub leaf: CertDetails,
}

impl CertDetails {
    /// Marshals the details (`CertChain.NoiseCertificate.Details`).
    pub fn encode(&self) -> Vec<u8> {
        Details {
            serial: Some(self.serial),
            issuer_serial: Some(self.issuer_serial),
            key: Some(self.key.clone()),
            not_before: self.not_before,
            not_after: self.not_after,
        }
        .encode_to_vec()
    }

    /// Parses marshalled details; absent serials read as 0 (the protobuf default).
    pub fn decode(bytes: &[u8], level: CertLevel) -> Result<Self, CertError> {
        let d = Details::decode(bytes).map_err(|_| {
            CertError::Malformed(match level {
                CertLevel::Intermediate => "intermediate details are not a valid protobuf",
                CertLevel::Leaf => "leaf details are not a valid protobuf",
            })
        })?;
        Ok(Self {
            serial: d.serial.unwrap_or(0),
            issuer_serial: d.issuer_serial.unwrap_or(0),
            key: d.key.unwrap_or_default(),
            not_before: d.not_before,
            not_after: d.not_after,
        })
    }

    /// Marshals and signs these details with the issuer's key.
    pub fn sign(&self, issuer: &KeyPair) -> SignedCert {
        let details = self.encode();
        let signature = issuer.sign(&details).to_vec();
        SignedCert { details, signature }
    }
}

/// Marshals a `CertChain{leaf, intermediate}`.
pub fn encode_cert_chain(intermediate: &SignedCert, leaf: &SignedCert) -> Vec<u8> {
    let cert = |c: &SignedCert| NoiseCertificate {
        details: Some(c.details.clone()),
        signature: Some(c.signature.clone()),
    };
    CertChain { leaf: Some(cert(leaf)), intermediate: Some(cert(intermediate)) }.encode_to_vec()
}

/// Parses a marshalled `CertChain` into (intermediate, leaf).
pub fn decode_cert_chain(bytes: &[u8]) -> Result<(SignedCert, SignedCert), CertError> {
    let chain = CertChain::decode(bytes)
        .map_err(|_| CertError::Malformed("certificate chain is not a valid protobuf"))?;
    let signed = |c: Option<NoiseCertificate>, what: &'static str| {
        let c = c.ok_or(CertError::Malformed(what))?;
        Ok::<_, CertError>(SignedCert {
            details: c.details.ok_or(CertError::Malformed(what))?,
            signature: c.signature.ok_or(CertError::Malformed(what))?,
        })
    };
    let intermediate =
        signed(chain.intermediate, "intermediate certificate missing or incomplete")?;
    let leaf = signed(chain.leaf, "leaf certificate missing or incomplete")?;
    Ok((intermediate, leaf))
}

/// Builds a signed chain (the server's half, for the sandbox) for a server whose Noise static key is `server_static`: intermediate
/// (serial 1, issuer 0) signed by `root`, leaf (serial 2, issuer 1) signed by `intermediate`,
/// both valid over `[not_before, not_after]` when given. Signatures are deterministic.
#[cfg(feature = "server")]
pub fn build_cert_chain(
    root: &KeyPair,
    intermediate: &KeyPair,
    server_static: &PublicKey,
    not_before: Option<u64>,
    not_after: Option<u64>,
) -> Vec<u8> {
    let inter = CertDetails {
        serial: 1,
        issuer_serial: 0,
        key: intermediate.public.as_bytes().to_vec(),
        not_before,
        not_after,
    };
    let leaf = CertDetails {
        serial: 2,
        issuer_serial: inter.serial,
        key: server_static.as_bytes().to_vec(),
        not_before,
        not_after,
    };
    encode_cert_chain(&inter.sign(root), &leaf.sign(intermediate))
}

fn check_validity(d: &CertDetails, level: CertLevel, now: u64) -> Result<(), CertError> {
    if let Some(not_before) = d.not_before {
        if now < not_before {
            return Err(CertError::NotYetValid { level, not_before, now });
        }
    }
    if let Some(not_after) = d.not_after {
        if now > not_after {
            return Err(CertError::Expired { level, not_after, now });
        }
    }
    Ok(())
}

fn cert_key(d: &CertDetails, level: CertLevel) -> Result<PublicKey, CertError> {
    let key: [u8; 32] = d
        .key
        .as_slice()
        .try_into()
        .map_err(|_| CertError::BadKeyLength { level, len: d.key.len() })?;
    Ok(PublicKey(key))
}

/// Verifies the marshalled chain from the server hello against `trusted_root`, the server's
/// Noise static key and the time `now` (Unix seconds).
pub fn verify_cert_chain(
    chain: &[u8],
    trusted_root: &PublicKey,
    server_static: &PublicKey,
    now: u64,
) -> Result<VerifiedChain, CertError> {
    let (inter_signed, leaf_signed) = decode_cert_chain(chain)?;

    if !verify(trusted_root, &inter_signed.details, &inter_signed.signature) {
        return Err(CertError::BadIntermediateSignature);
    }
    let level = CertLevel::Intermediate;
    let intermediate = CertDetails::decode(&inter_signed.details, level)?;
    if intermediate.issuer_serial != 0 {
        return Err(CertError::WrongIssuerSerial {
            level,
            expected: 0,
            got: intermediate.issuer_serial,
        });
    }
    let intermediate_key = cert_key(&intermediate, level)?;
    check_validity(&intermediate, level, now)?;

    if !verify(&intermediate_key, &leaf_signed.details, &leaf_signed.signature) {
        return Err(CertError::BadLeafSignature);
    }
    let level = CertLevel::Leaf;
    let leaf = CertDetails::decode(&leaf_signed.details, level)?;
    if leaf.issuer_serial != intermediate.serial {
        return Err(CertError::WrongIssuerSerial {
            level,
            expected: intermediate.serial,
            got: leaf.issuer_serial,
        });
    }
    if cert_key(&leaf, level)? != *server_static {
        return Err(CertError::LeafKeyMismatch);
    }
    check_validity(&leaf, level, now)?;
    Ok(VerifiedChain { intermediate, leaf })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_root_is_whatsapps_key() {
        let expected =
            hex::decode("142375574d0a587166aae71ebe516437c4a28b73e3695c6ce1f7f9545da8ee6b")
                .expect("hex");
        assert_eq!(DEFAULT_ROOT_KEY.as_bytes().to_vec(), expected);
    }

    #[test]
    fn built_chain_verifies_against_its_root_only() {
        let root = KeyPair::from_private([1; 32]);
        let intermediate = KeyPair::from_private([2; 32]);
        let server = KeyPair::from_private([3; 32]);
        let chain = build_cert_chain(&root, &intermediate, &server.public, Some(10), Some(20));
        let verified = verify_cert_chain(&chain, &root.public, &server.public, 15).unwrap();
        assert_eq!(verified.leaf.key, server.public.as_bytes().to_vec());
        assert_eq!((verified.intermediate.serial, verified.leaf.issuer_serial), (1, 1));
        assert_eq!(
            verify_cert_chain(&chain, &intermediate.public, &server.public, 15),
            Err(CertError::BadIntermediateSignature)
        );
    }
}

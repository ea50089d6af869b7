//! Certificate-chain verification: the recorded test chain from `noise.json` with one field
//! tampered at a time; each tampering is refused with its own error.
use crate::common;
use common::{hex, hex32, load};
use serde_json::Value;
use wazap::crypto::{KeyPair, PublicKey};
use wazap::socket::cert::{decode_cert_chain, encode_cert_chain};
use wazap::socket::{verify_cert_chain, CertDetails, CertError, CertLevel, SignedCert};

const NOW: u64 = 1_800_000_000;

/// The pinned test PKI of the WA 06 03 transcript.
struct Pki {
    root: KeyPair,
    intermediate: KeyPair,
    server_static: PublicKey,
    chain: Vec<u8>,
}

fn keypair(v: &Value) -> KeyPair {
    let kp = KeyPair::from_private(hex32(&v["private"]));
    assert_eq!(kp.public.0, hex32(&v["public"]));
    kp
}

fn pki() -> Pki {
    let v = load("noise.json");
    let t = &v["transcripts"][1];
    Pki {
        root: keypair(&t["cert_chain"]["root"]),
        intermediate: keypair(&t["cert_chain"]["intermediate"]),
        server_static: PublicKey(hex32(&t["keys"]["server_static"]["public"])),
        chain: hex(&t["cert_chain"]["hex"]),
    }
}

impl Pki {
    fn details(&self) -> (CertDetails, CertDetails) {
        let (inter, leaf) = decode_cert_chain(&self.chain).unwrap();
        (
            CertDetails::decode(&inter.details, CertLevel::Intermediate).unwrap(),
            CertDetails::decode(&leaf.details, CertLevel::Leaf).unwrap(),
        )
    }

    /// Re-signs (properly) a chain built from modified details.
    fn chain_with(&self, edit: impl FnOnce(&mut CertDetails, &mut CertDetails)) -> Vec<u8> {
        let (mut inter, mut leaf) = self.details();
        edit(&mut inter, &mut leaf);
        encode_cert_chain(&inter.sign(&self.root), &leaf.sign(&self.intermediate))
    }

    fn verify(&self, chain: &[u8]) -> Result<(), CertError> {
        self.verify_at(chain, NOW)
    }

    fn verify_at(&self, chain: &[u8], now: u64) -> Result<(), CertError> {
        verify_cert_chain(chain, &self.root.public, &self.server_static, now).map(|_| ())
    }
}

#[test]
fn untampered_chain_verifies_and_rebuilds_identically() {
    let p = pki();
    assert_eq!(p.verify(&p.chain), Ok(()));
    assert_eq!(p.chain_with(|_, _| {}), p.chain, "decode → sign → encode is the identity");
}

#[test]
fn bad_signatures() {
    let p = pki();
    let (inter, leaf) = decode_cert_chain(&p.chain).unwrap();
    let flip = |c: &SignedCert, in_details: bool| {
        let mut c = c.clone();
        if in_details {
            c.details[1] ^= 0x01;
        } else {
            c.signature[10] ^= 0x01;
        }
        c
    };
    for in_details in [false, true] {
        let chain = encode_cert_chain(&flip(&inter, in_details), &leaf);
        assert_eq!(p.verify(&chain), Err(CertError::BadIntermediateSignature));
        let chain = encode_cert_chain(&inter, &flip(&leaf, in_details));
        assert_eq!(p.verify(&chain), Err(CertError::BadLeafSignature));
    }
    // A leaf signed by the root instead of the intermediate.
    let (_, leaf_details) = p.details();
    let chain = encode_cert_chain(&inter, &leaf_details.sign(&p.root));
    assert_eq!(p.verify(&chain), Err(CertError::BadLeafSignature));
    // A truncated signature is a failed signature, not a panic.
    let mut short = inter.clone();
    short.signature.truncate(63);
    assert_eq!(
        p.verify(&encode_cert_chain(&short, &leaf)),
        Err(CertError::BadIntermediateSignature)
    );
}

#[test]
fn wrong_issuer_serials() {
    let p = pki();
    let chain = p.chain_with(|inter, _| inter.issuer_serial = 5);
    assert_eq!(
        p.verify(&chain),
        Err(CertError::WrongIssuerSerial { level: CertLevel::Intermediate, expected: 0, got: 5 })
    );
    let chain = p.chain_with(|_, leaf| leaf.issuer_serial = 7);
    assert_eq!(
        p.verify(&chain),
        Err(CertError::WrongIssuerSerial { level: CertLevel::Leaf, expected: 1, got: 7 })
    );
    // The leaf must follow the intermediate's serial, whatever it is.
    let chain = p.chain_with(|inter, leaf| {
        inter.serial = 9;
        leaf.issuer_serial = 9;
    });
    assert_eq!(p.verify(&chain), Ok(()));
}

#[test]
fn leaf_key_must_be_the_server_static_key() {
    let p = pki();
    let other = KeyPair::from_private([9; 32]).public;
    let chain = p.chain_with(|_, leaf| leaf.key = other.0.to_vec());
    assert_eq!(p.verify(&chain), Err(CertError::LeafKeyMismatch));
    assert_eq!(
        verify_cert_chain(&p.chain, &p.root.public, &other, NOW).map(|_| ()),
        Err(CertError::LeafKeyMismatch)
    );
}

#[test]
fn key_lengths() {
    let p = pki();
    let chain = p.chain_with(|inter, _| inter.key.truncate(31));
    assert_eq!(
        p.verify(&chain),
        Err(CertError::BadKeyLength { level: CertLevel::Intermediate, len: 31 })
    );
    let chain = p.chain_with(|_, leaf| leaf.key.push(0));
    assert_eq!(p.verify(&chain), Err(CertError::BadKeyLength { level: CertLevel::Leaf, len: 33 }));
}

#[test]
fn validity_period() {
    let p = pki();
    let (i, l) = (CertLevel::Intermediate, CertLevel::Leaf);
    assert_eq!(p.verify_at(&p.chain, 1_700_000_000), Ok(()), "notBefore is inclusive");
    assert_eq!(p.verify_at(&p.chain, 2_000_000_000), Ok(()), "notAfter is inclusive");
    assert_eq!(
        p.verify_at(&p.chain, 2_000_000_001),
        Err(CertError::Expired { level: i, not_after: 2_000_000_000, now: 2_000_000_001 })
    );
    assert_eq!(
        p.verify_at(&p.chain, 1_699_999_999),
        Err(CertError::NotYetValid { level: i, not_before: 1_700_000_000, now: 1_699_999_999 })
    );
    // Only the leaf's period is short: the leaf is blamed.
    let chain = p.chain_with(|_, leaf| leaf.not_after = Some(NOW - 1));
    assert_eq!(
        p.verify(&chain),
        Err(CertError::Expired { level: l, not_after: NOW - 1, now: NOW })
    );
    let chain = p.chain_with(|_, leaf| leaf.not_before = Some(NOW + 1));
    assert_eq!(
        p.verify(&chain),
        Err(CertError::NotYetValid { level: l, not_before: NOW + 1, now: NOW })
    );
    // Absent fields are not checked.
    let chain = p.chain_with(|inter, leaf| {
        inter.not_before = None;
        inter.not_after = None;
        leaf.not_before = None;
        leaf.not_after = None;
    });
    assert_eq!(p.verify_at(&chain, 0), Ok(()));
    assert_eq!(p.verify_at(&chain, u64::MAX), Ok(()));
}

#[test]
fn malformed_chains() {
    let p = pki();
    let (inter, leaf) = decode_cert_chain(&p.chain).unwrap();
    for bytes in [&b"\xff\xff\xff"[..], b"\x0a\x05\x01"] {
        assert!(matches!(p.verify(bytes), Err(CertError::Malformed(_))), "{bytes:02x?}");
    }
    // No intermediate at all: only the leaf field (1) is present.
    let only_leaf: Vec<u8> = p.chain[..2 + usize::from(p.chain[1])].to_vec();
    assert!(matches!(p.verify(&only_leaf), Err(CertError::Malformed(_))));
    assert!(matches!(p.verify(&[]), Err(CertError::Malformed(_))));
    // Details that are not a protobuf, yet correctly signed.
    let garbage =
        SignedCert { details: vec![0xff; 8], signature: p.root.sign(&[0xff; 8]).to_vec() };
    assert!(matches!(p.verify(&encode_cert_chain(&garbage, &leaf)), Err(CertError::Malformed(_))));
    assert_eq!(p.verify(&encode_cert_chain(&inter, &leaf)), Ok(()));
}

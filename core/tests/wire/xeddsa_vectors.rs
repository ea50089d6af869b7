//! libsignal curve25519 signatures, key derivation and agreement against `xeddsa.json`.
use crate::common;
use common::{hex, hex32, load};
use wazap::crypto::{sign, verify, KeyPair, PublicKey};

#[test]
fn signatures_match_libsignal_byte_for_byte() {
    let v = load("xeddsa.json");
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 100);
    let mut with_sign_bit = 0;
    for c in cases {
        let kp = KeyPair::from_private(hex32(&c["private_key"]));
        assert_eq!(kp.public.0, hex32(&c["public_key"]));
        let msg = hex(&c["message"]);
        let expected = hex(&c["signature"]);
        assert_eq!(kp.sign(&msg).to_vec(), expected, "signature for {c}");
        assert!(verify(&kp.public, &msg, &expected));
        with_sign_bit += (expected[63] >> 7) as usize;
    }
    assert!(with_sign_bit > 0 && with_sign_bit < 100, "both sign-bit values are covered");
}

#[test]
fn invalid_and_non_canonical_signatures_are_rejected() {
    let v = load("xeddsa.json");
    let negatives = v["negatives"].as_array().unwrap();
    assert_eq!(negatives.len(), 20);
    for c in negatives {
        let pk = PublicKey(hex32(&c["public_key"]));
        assert!(!verify(&pk, &hex(&c["message"]), &hex(&c["signature"])), "accepted {c}");
    }
    let edges = v["edge_cases"].as_array().unwrap();
    assert_eq!(edges.len(), 3);
    for c in edges {
        let pk = PublicKey(hex32(&c["public_key"]));
        assert!(!verify(&pk, &hex(&c["message"]), &hex(&c["signature"])), "accepted {c}");
    }
}

#[test]
fn public_keys_and_agreements_match() {
    let v = load("xeddsa.json");
    for c in v["public_key_derivation"].as_array().unwrap() {
        let kp = KeyPair::from_private(hex32(&c["private_key"]));
        assert_eq!(kp.public.0, hex32(&c["public_key"]), "{c}");
    }
    for c in v["agreement"].as_array().unwrap() {
        let kp = KeyPair::from_private(hex32(&c["private_key"]));
        let shared = kp.agree(&PublicKey(hex32(&c["peer_public_key"])));
        assert_eq!(shared, hex32(&c["shared_secret"]), "{c}");
    }
}

#[test]
fn random_keys_sign_and_verify_and_reject_other_messages() {
    let mut rng = rand::thread_rng();
    for i in 0..50u8 {
        let kp = KeyPair::generate(&mut rng);
        let msg = vec![i; i as usize];
        let sig = sign(kp.private_bytes(), &msg);
        assert!(verify(&kp.public, &msg, &sig));
        assert!(!verify(&kp.public, b"other", &sig));
        assert!(!verify(&kp.public, &msg, &sig[..63]));
    }
}

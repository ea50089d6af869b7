//! Pairing by code: the companion and a simulated phone run the whole exchange, then the
//! pair-success that follows it.
use rand::rngs::StdRng;
use rand::SeedableRng;
use wazap::crypto::KeyPair;
use wazap::pair::code_pairing::WRAPPED_KEY_BUNDLE_LEN;
use wazap::pair::link_code::{derive_code_key, WRAPPED_KEY_LEN};
use wazap::pair::{
    complete_pair_success, issue_device_identity, verify_pair_device_sign, AccountKind,
    CodePairingError, CompanionCodePairing, DeviceGrant, PairingCode, PrimaryCodePairing,
    WrappedKeyTooShort,
};

#[test]
fn pbkdf2_sanity_value_from_protocol_notes() {
    let key = derive_code_key("ABCDEFGH", &[0u8; 32]);
    assert_eq!(
        hex::encode(key),
        "bd244c621d4084cf385e32662e6ddf85045cba831bc79aafc672227d84faf9d4"
    );
    let code = PairingCode::parse("ABCD-EFGH").unwrap();
    assert_eq!(code.derive_key(&[0u8; 32]), key, "the hyphen is not part of the password");
}

struct Parties {
    rng: StdRng,
    companion_identity: KeyPair,
    phone_identity: KeyPair,
}

fn parties(seed: u64) -> Parties {
    let mut rng = StdRng::seed_from_u64(seed);
    let companion_identity = KeyPair::generate(&mut rng);
    let phone_identity = KeyPair::generate(&mut rng);
    Parties { rng, companion_identity, phone_identity }
}

#[test]
fn full_exchange_agrees_on_adv_secret_and_identity_then_pairs() {
    let mut p = parties(1);
    let code = PairingCode::generate(&mut p.rng);
    let shown = code.to_string();
    assert_eq!(shown.len(), 9);
    assert_eq!(&shown[4..5], "-");

    let (companion, hello) = CompanionCodePairing::start(&mut p.rng, code);
    assert_eq!(hello.len(), WRAPPED_KEY_LEN);

    // The user types the code shown on the companion into the phone.
    let typed = PairingCode::parse(&shown.to_lowercase()).unwrap();
    let (phone, wrapped_primary) = PrimaryCodePairing::accept(&mut p.rng, &typed, &hello).unwrap();
    let finish = companion
        .finish(&mut p.rng, &p.companion_identity, &wrapped_primary, &p.phone_identity.public.0)
        .unwrap();
    assert_eq!(finish.wrapped_key_bundle.len(), WRAPPED_KEY_BUNDLE_LEN);
    assert_eq!(finish.identity_public, p.companion_identity.public);

    let learned = phone
        .finish(&p.phone_identity, &finish.wrapped_key_bundle, &finish.identity_public.0)
        .unwrap();
    assert_eq!(learned.adv_secret, finish.adv_secret);
    assert_eq!(learned.companion_identity, p.companion_identity.public);

    // The phone now signs the companion in, keyed by the agreed secret.
    let grant =
        DeviceGrant { raw_id: 1, timestamp: 1_700_000_000, key_index: 1, kind: AccountKind::E2ee };
    let issued = issue_device_identity(
        &p.phone_identity,
        &learned.companion_identity,
        &learned.adv_secret,
        &grant,
    );
    let paired = complete_pair_success(&issued, &finish.adv_secret, &p.companion_identity).unwrap();
    assert!(verify_pair_device_sign(
        &paired.reply_identity,
        &p.phone_identity.public,
        &p.companion_identity.public
    )
    .is_ok());

    // A second run with fresh randomness agrees on a different secret.
    let mut q = parties(2);
    let code2 = PairingCode::generate(&mut q.rng);
    let (c2, hello2) = CompanionCodePairing::start(&mut q.rng, code2);
    let (ph2, w2) = PrimaryCodePairing::accept(&mut q.rng, c2.code(), &hello2).unwrap();
    let f2 = c2
        .finish(&mut q.rng, &q.companion_identity, &w2, &q.phone_identity.public.serialize())
        .unwrap();
    let l2 = ph2
        .finish(&q.phone_identity, &f2.wrapped_key_bundle, &q.companion_identity.public.0)
        .unwrap();
    assert_eq!(l2.adv_secret, f2.adv_secret);
    assert_ne!(l2.adv_secret, finish.adv_secret);
}

#[test]
fn wrong_code_fails_at_the_key_bundle() {
    let mut p = parties(3);
    let code = PairingCode::parse("ABCD-EFGH").unwrap();
    let wrong = PairingCode::parse("ABCD-EFGJ").unwrap();
    let (companion, hello) = CompanionCodePairing::start(&mut p.rng, code);
    let (phone, wrapped_primary) = PrimaryCodePairing::accept(&mut p.rng, &wrong, &hello).unwrap();
    // CTR has no integrity check: the companion cannot tell, and derives another secret.
    let finish = companion
        .finish(&mut p.rng, &p.companion_identity, &wrapped_primary, &p.phone_identity.public.0)
        .unwrap();
    let err = phone
        .finish(&p.phone_identity, &finish.wrapped_key_bundle, &p.companion_identity.public.0)
        .unwrap_err();
    assert_eq!(err, CodePairingError::KeyBundleDecrypt);
    assert!(err.to_string().contains("wrong pairing code"));
}

#[test]
fn tampering_and_malformed_lengths_are_errors() {
    let mut p = parties(4);
    let code = PairingCode::generate(&mut p.rng);
    let (companion, hello) = CompanionCodePairing::start(&mut p.rng, code.clone());

    assert_eq!(
        PrimaryCodePairing::accept(&mut p.rng, &code, &hello[..79]).err(),
        Some(CodePairingError::WrappedKeyTooShort(WrappedKeyTooShort(79)))
    );
    assert!(PrimaryCodePairing::accept(&mut p.rng, &code, &[]).is_err());
    let (phone, wrapped_primary) = PrimaryCodePairing::accept(&mut p.rng, &code, &hello).unwrap();

    let ci = &p.companion_identity;
    let pi = p.phone_identity.public.0;
    assert_eq!(
        companion.finish(&mut p.rng, ci, &wrapped_primary[..40], &pi),
        Err(CodePairingError::WrappedKeyTooShort(WrappedKeyTooShort(40)))
    );
    assert_eq!(
        companion.finish(&mut p.rng, ci, &wrapped_primary, &pi[..31]),
        Err(CodePairingError::InvalidIdentityKey { which: "primary", got: 31 })
    );
    assert_eq!(
        companion.finish(&mut p.rng, ci, &wrapped_primary, &[0u8; 32]),
        Err(CodePairingError::WeakKey),
        "a low-order identity key gives an all-zero secret"
    );

    let finish = companion.finish(&mut p.rng, ci, &wrapped_primary, &pi).unwrap();
    let bundle = &finish.wrapped_key_bundle;
    let me = &p.phone_identity;
    assert_eq!(
        phone.finish(me, &bundle[..155], &ci.public.0),
        Err(CodePairingError::KeyBundleLength(155))
    );
    assert_eq!(phone.finish(me, &[], &ci.public.0), Err(CodePairingError::KeyBundleLength(0)));
    for i in [0usize, 40, 100, 155] {
        let mut t = bundle.clone();
        t[i] ^= 1;
        assert_eq!(
            phone.finish(me, &t, &ci.public.0),
            Err(CodePairingError::KeyBundleDecrypt),
            "byte {i}"
        );
    }
    assert_eq!(
        phone.finish(me, bundle, &ci.public.0[..5]),
        Err(CodePairingError::InvalidIdentityKey { which: "companion", got: 5 })
    );
    let other = KeyPair::from_private([8; 32]);
    assert_eq!(
        phone.finish(me, bundle, &other.public.0),
        Err(CodePairingError::CompanionIdentityMismatch)
    );
    assert_eq!(
        phone.finish(&other, bundle, &ci.public.0),
        Err(CodePairingError::KeyBundleNotForUs)
    );
    // The untouched bundle still works after all that.
    assert_eq!(phone.finish(me, bundle, &ci.public.0).unwrap().adv_secret, finish.adv_secret);
}

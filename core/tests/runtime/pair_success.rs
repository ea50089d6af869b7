//! pair-success, both sides: the phone issues a signed device identity, the companion verifies
//! and countersigns it, the phone verifies the countersignature. Every tampering has its error.
use prost::Message;
use rand::rngs::StdRng;
use rand::SeedableRng;
use wazap::crypto::{verify, KeyPair, PublicKey};
use wazap::pair::adv::{adv_hmac, sign_account, DEVICE_SIGNATURE_PREFIX};
use wazap::pair::{
    complete_pair_success, issue_device_identity, sign_key_index_list, verify_key_index_list,
    verify_pair_device_sign, AccountKind, AdvError, DeviceGrant, PairIqError,
};
use wazap::proto::{
    AdvDeviceIdentity, AdvEncryptionType, AdvKeyIndexList, AdvSignedDeviceIdentity,
    AdvSignedDeviceIdentityHmac,
};

struct Setup {
    account: KeyPair,
    companion: KeyPair,
    adv_secret: [u8; 32],
    grant: DeviceGrant,
}

fn setup(kind: AccountKind) -> Setup {
    let mut rng = StdRng::seed_from_u64(7);
    Setup {
        account: KeyPair::generate(&mut rng),
        companion: KeyPair::generate(&mut rng),
        adv_secret: [0x5a; 32],
        grant: DeviceGrant { raw_id: 0x1234_5678, timestamp: 1_700_000_000, key_index: 3, kind },
    }
}

/// Re-wraps a (possibly modified) signed identity with a correct HMAC, as an attacker who knows
/// the adv secret but not the account key could.
fn rewrap(s: &Setup, signed: &AdvSignedDeviceIdentity, kind: AccountKind) -> Vec<u8> {
    let bytes = signed.encode_to_vec();
    AdvSignedDeviceIdentityHmac {
        hmac: Some(adv_hmac(&s.adv_secret, &bytes, kind).to_vec()),
        details: Some(bytes),
        account_type: Some(kind.to_proto()),
    }
    .encode_to_vec()
}

fn unwrap_signed(container: &[u8]) -> AdvSignedDeviceIdentity {
    let c = AdvSignedDeviceIdentityHmac::decode(container).unwrap();
    AdvSignedDeviceIdentity::decode(c.details.as_deref().unwrap()).unwrap()
}

#[test]
fn round_trip_primary_companion_primary() {
    for kind in [AccountKind::E2ee, AccountKind::Hosted] {
        let s = setup(kind);
        let issued =
            issue_device_identity(&s.account, &s.companion.public, &s.adv_secret, &s.grant);
        let container = AdvSignedDeviceIdentityHmac::decode(&issued[..]).unwrap();
        assert_eq!(AccountKind::from_proto(container.account_type), kind);

        let paired = complete_pair_success(&issued, &s.adv_secret, &s.companion).unwrap();
        assert_eq!(paired.kind, kind);
        assert_eq!(paired.key_index(), 3);
        assert_eq!(paired.details.raw_id, Some(0x1234_5678));
        assert_eq!(paired.details.timestamp, Some(1_700_000_000));
        assert_eq!(paired.account_signature_key, s.account.public);
        assert_eq!(paired.account.account_signature_key.as_deref(), Some(&s.account.public.0[..]));

        // The device signature covers 06 01 ‖ details ‖ our identity ‖ account key.
        let details = paired.account.details.clone().unwrap();
        let msg =
            [&DEVICE_SIGNATURE_PREFIX[..], &details, &s.companion.public.0, &s.account.public.0]
                .concat();
        assert!(verify(
            &s.companion.public,
            &msg,
            paired.account.device_signature.as_deref().unwrap()
        ));

        // The reply is the account without its signature key.
        let reply = AdvSignedDeviceIdentity::decode(&paired.reply_identity[..]).unwrap();
        assert_eq!(reply.account_signature_key, None);
        assert_eq!(reply.details, paired.account.details);
        assert_eq!(reply.account_signature, paired.account.account_signature);
        assert_eq!(reply.device_signature, paired.account.device_signature);

        let signed =
            verify_pair_device_sign(&paired.reply_identity, &s.account.public, &s.companion.public)
                .unwrap();
        assert_eq!(signed.key_index(), 3);
        assert_eq!(signed.identity, paired.account);
        // The stored account, with its key, passes the phone's check too.
        let full = paired.account.encode_to_vec();
        assert!(verify_pair_device_sign(&full, &s.account.public, &s.companion.public).is_ok());
    }
}

#[test]
fn hmac_tampering_is_hmac_mismatch() {
    let s = setup(AccountKind::E2ee);
    let issued = issue_device_identity(&s.account, &s.companion.public, &s.adv_secret, &s.grant);
    let hmac_401 = PairIqError { code: 401, text: "hmac-mismatch" };

    let err = complete_pair_success(&issued, &[0x5b; 32], &s.companion).unwrap_err();
    assert_eq!(err, AdvError::HmacMismatch, "wrong adv secret");
    assert_eq!(err.iq_error(), hmac_401);

    let mut c = AdvSignedDeviceIdentityHmac::decode(&issued[..]).unwrap();
    c.hmac.as_mut().unwrap()[0] ^= 1;
    assert_eq!(
        complete_pair_success(&c.encode_to_vec(), &s.adv_secret, &s.companion),
        Err(AdvError::HmacMismatch)
    );

    let mut c = AdvSignedDeviceIdentityHmac::decode(&issued[..]).unwrap();
    c.hmac = None;
    assert_eq!(
        complete_pair_success(&c.encode_to_vec(), &s.adv_secret, &s.companion),
        Err(AdvError::HmacMismatch)
    );

    // Claiming a hosted account changes the HMAC prefix, so the E2EE HMAC no longer matches.
    let mut c = AdvSignedDeviceIdentityHmac::decode(&issued[..]).unwrap();
    c.account_type = Some(AdvEncryptionType::Hosted as i32);
    assert_eq!(
        complete_pair_success(&c.encode_to_vec(), &s.adv_secret, &s.companion),
        Err(AdvError::HmacMismatch)
    );

    let mut c = AdvSignedDeviceIdentityHmac::decode(&issued[..]).unwrap();
    c.details.as_mut().unwrap().push(0);
    assert_eq!(
        complete_pair_success(&c.encode_to_vec(), &s.adv_secret, &s.companion),
        Err(AdvError::HmacMismatch)
    );
}

#[test]
fn signature_tampering_is_signature_mismatch() {
    let s = setup(AccountKind::E2ee);
    let issued = issue_device_identity(&s.account, &s.companion.public, &s.adv_secret, &s.grant);
    let sig_401 = PairIqError { code: 401, text: "signature-mismatch" };

    // Changed details (key index 4 instead of 3), valid HMAC.
    let mut signed = unwrap_signed(&issued);
    let mut details = AdvDeviceIdentity::decode(signed.details.as_deref().unwrap()).unwrap();
    details.key_index = Some(4);
    signed.details = Some(details.encode_to_vec());
    let err =
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion)
            .unwrap_err();
    assert_eq!(err, AdvError::AccountSignatureMismatch);
    assert_eq!(err.iq_error(), sig_401);

    // Signed for another companion identity.
    let other = KeyPair::from_private([9; 32]);
    let for_other = issue_device_identity(&s.account, &other.public, &s.adv_secret, &s.grant);
    assert_eq!(
        complete_pair_success(&for_other, &s.adv_secret, &s.companion),
        Err(AdvError::AccountSignatureMismatch)
    );

    // Signed by another key than the one announced.
    let mut signed = unwrap_signed(&issued);
    signed.account_signature_key = Some(other.public.0.to_vec());
    assert_eq!(
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion),
        Err(AdvError::AccountSignatureMismatch)
    );

    // Flipped signature bit, truncated signature.
    let mut signed = unwrap_signed(&issued);
    signed.account_signature.as_mut().unwrap()[10] ^= 0x40;
    assert_eq!(
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion),
        Err(AdvError::AccountSignatureMismatch)
    );
    let mut signed = unwrap_signed(&issued);
    signed.account_signature.as_mut().unwrap().truncate(63);
    assert_eq!(
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion),
        Err(AdvError::AccountSignatureMismatch)
    );

    // A hosted device type needs the 06 05 prefix: an E2EE signature over hosted details fails.
    let mut signed = unwrap_signed(&issued);
    let mut details = AdvDeviceIdentity::decode(signed.details.as_deref().unwrap()).unwrap();
    details.device_type = Some(AdvEncryptionType::Hosted as i32);
    let bytes = details.encode_to_vec();
    signed.account_signature =
        Some(sign_account(&s.account, &bytes, &s.companion.public, AccountKind::E2ee).to_vec());
    signed.details = Some(bytes);
    assert_eq!(
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion),
        Err(AdvError::AccountSignatureMismatch)
    );

    // A bad key length is its own error, with the same iq reply.
    let mut signed = unwrap_signed(&issued);
    signed.account_signature_key.as_mut().unwrap().pop();
    let err =
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion)
            .unwrap_err();
    assert_eq!(err, AdvError::InvalidAccountSignatureKey { got: 31 });
    assert_eq!(err.iq_error(), sig_401);
}

#[test]
fn malformed_input_is_malformed_or_missing() {
    let s = setup(AccountKind::E2ee);
    let internal = PairIqError { code: 500, text: "internal-error" };
    for garbage in [&[0xffu8; 5][..], &[0x0a, 0x05, 1, 2][..]] {
        let err = complete_pair_success(garbage, &s.adv_secret, &s.companion).unwrap_err();
        assert!(
            matches!(err, AdvError::Malformed { what: "ADVSignedDeviceIdentityHMAC", .. }),
            "{err:?}"
        );
        assert_eq!(err.iq_error(), internal);
    }
    assert_eq!(
        complete_pair_success(&[], &s.adv_secret, &s.companion),
        Err(AdvError::MissingField("ADVSignedDeviceIdentityHMAC.details"))
    );

    // Undecodable signed identity under a valid HMAC.
    let junk = vec![0xff, 0xff, 0xff];
    let container = AdvSignedDeviceIdentityHmac {
        hmac: Some(adv_hmac(&s.adv_secret, &junk, AccountKind::E2ee).to_vec()),
        details: Some(junk),
        account_type: None,
    };
    let err =
        complete_pair_success(&container.encode_to_vec(), &s.adv_secret, &s.companion).unwrap_err();
    assert!(matches!(err, AdvError::Malformed { what: "ADVSignedDeviceIdentity", .. }), "{err:?}");

    let issued = issue_device_identity(&s.account, &s.companion.public, &s.adv_secret, &s.grant);
    let mut signed = unwrap_signed(&issued);
    signed.details = Some(vec![0x08]);
    let err =
        complete_pair_success(&rewrap(&s, &signed, AccountKind::E2ee), &s.adv_secret, &s.companion)
            .unwrap_err();
    assert!(matches!(err, AdvError::Malformed { what: "ADVDeviceIdentity", .. }), "{err:?}");

    for (field, strip) in [
        ("ADVSignedDeviceIdentity.details", 0usize),
        ("accountSignatureKey", 1),
        ("accountSignature", 2),
    ] {
        let mut signed = unwrap_signed(&issued);
        match strip {
            0 => signed.details = None,
            1 => signed.account_signature_key = None,
            _ => signed.account_signature = None,
        }
        assert_eq!(
            complete_pair_success(
                &rewrap(&s, &signed, AccountKind::E2ee),
                &s.adv_secret,
                &s.companion
            ),
            Err(AdvError::MissingField(field))
        );
    }
}

#[test]
fn primary_rejects_bad_countersignatures() {
    let s = setup(AccountKind::E2ee);
    let issued = issue_device_identity(&s.account, &s.companion.public, &s.adv_secret, &s.grant);
    let paired = complete_pair_success(&issued, &s.adv_secret, &s.companion).unwrap();
    let reply = || AdvSignedDeviceIdentity::decode(&paired.reply_identity[..]).unwrap();
    let check = |r: &AdvSignedDeviceIdentity| {
        verify_pair_device_sign(&r.encode_to_vec(), &s.account.public, &s.companion.public)
    };

    let mut r = reply();
    r.device_signature.as_mut().unwrap()[5] ^= 1;
    assert_eq!(check(&r), Err(AdvError::DeviceSignatureMismatch));

    // Countersigned by another identity than the one the account signed.
    let other = KeyPair::from_private([9; 32]);
    let mut r = reply();
    let msg = [
        &DEVICE_SIGNATURE_PREFIX[..],
        r.details.as_deref().unwrap(),
        &s.companion.public.0,
        &s.account.public.0,
    ]
    .concat();
    r.device_signature = Some(other.sign(&msg).to_vec());
    assert_eq!(check(&r), Err(AdvError::DeviceSignatureMismatch));

    let mut r = reply();
    r.device_signature = None;
    assert_eq!(check(&r), Err(AdvError::MissingField("deviceSignature")));

    let mut r = reply();
    let mut d = AdvDeviceIdentity::decode(r.details.as_deref().unwrap()).unwrap();
    d.key_index = Some(9);
    r.details = Some(d.encode_to_vec());
    assert_eq!(check(&r), Err(AdvError::AccountSignatureMismatch));

    let mut r = reply();
    r.account_signature_key = Some(other.public.0.to_vec());
    assert_eq!(check(&r), Err(AdvError::AccountSignatureMismatch));

    assert_eq!(
        verify_pair_device_sign(&paired.reply_identity, &s.account.public, &PublicKey([4; 32])),
        Err(AdvError::AccountSignatureMismatch)
    );
    assert!(matches!(
        verify_pair_device_sign(&[0xff], &s.account.public, &s.companion.public),
        Err(AdvError::Malformed { .. })
    ));
}

#[test]
fn key_index_list_sign_and_verify() {
    let s = setup(AccountKind::E2ee);
    let list = AdvKeyIndexList {
        raw_id: Some(0x1234_5678),
        timestamp: Some(1_700_000_100),
        current_index: Some(3),
        valid_indexes: vec![0, 2, 3],
        account_type: None,
    };
    let signed = sign_key_index_list(&s.account, &list);
    let bytes = signed.encode_to_vec();
    assert_eq!(verify_key_index_list(&bytes, &s.account.public).unwrap(), list);

    let other = KeyPair::from_private([9; 32]).public;
    assert_eq!(verify_key_index_list(&bytes, &other), Err(AdvError::KeyIndexListSignatureMismatch));

    let mut t = signed.clone();
    t.account_signature_key = None;
    assert_eq!(verify_key_index_list(&t.encode_to_vec(), &s.account.public).unwrap(), list);
    assert_eq!(
        verify_key_index_list(&t.encode_to_vec(), &other),
        Err(AdvError::KeyIndexListSignatureMismatch)
    );

    let mut t = signed.clone();
    let mut l = list.clone();
    l.valid_indexes.push(7);
    t.details = Some(l.encode_to_vec());
    assert_eq!(
        verify_key_index_list(&t.encode_to_vec(), &s.account.public),
        Err(AdvError::KeyIndexListSignatureMismatch)
    );

    let mut t = signed;
    t.account_signature = None;
    assert_eq!(
        verify_key_index_list(&t.encode_to_vec(), &s.account.public),
        Err(AdvError::MissingField("accountSignature"))
    );
    assert!(matches!(
        verify_key_index_list(&[0xff, 0xff], &s.account.public),
        Err(AdvError::Malformed { .. })
    ));
}

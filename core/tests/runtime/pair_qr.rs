//! QR strings: the companion's builder and the phone's parser.
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::prelude::*;
use wazap::crypto::PublicKey;
use wazap::pair::qr::{FIRST_QR_TIMEOUT, NEXT_QR_TIMEOUT, QR_LINK_PREFIX};
use wazap::pair::{parse_qr, qr_string, qr_timeout, CompanionClientType, QrData, QrError};
use wazap::proto::device_props::PlatformType;

fn sample() -> QrData {
    QrData {
        reference: "2@AbC/def+123==".to_owned(),
        noise_public: PublicKey([1; 32]),
        identity_public: PublicKey([2; 32]),
        adv_secret: [3; 32],
        client_type: Some(CompanionClientType::Chrome),
    }
}

#[test]
fn current_form_has_link_prefix_padded_base64_and_client_type() {
    let d = sample();
    let s = qr_string(
        &d.reference,
        &d.noise_public,
        &d.identity_public,
        &d.adv_secret,
        CompanionClientType::Chrome,
    );
    let expected = format!(
        "https://wa.me/settings/linked_devices#2@AbC/def+123==,{},{},{},1",
        STANDARD.encode([1u8; 32]),
        STANDARD.encode([2u8; 32]),
        STANDARD.encode([3u8; 32])
    );
    assert_eq!(s, expected);
    assert!(s.contains("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=,"), "padded standard base64");
    assert_eq!(parse_qr(&s).unwrap(), d);
    assert_eq!(d.to_qr_string(), s);
}

#[test]
fn legacy_four_field_form_round_trips() {
    let d = QrData { client_type: None, ..sample() };
    let s = d.to_qr_string();
    assert!(!s.starts_with(QR_LINK_PREFIX));
    assert_eq!(s.split(',').count(), 4);
    assert_eq!(parse_qr(&s).unwrap(), d);
    // A prefixed four-field string and a bare five-field one are accepted too.
    assert_eq!(parse_qr(&format!("{QR_LINK_PREFIX}{s}")).unwrap(), d);
    assert_eq!(
        parse_qr(&format!("{s},e")).unwrap().client_type,
        Some(CompanionClientType::Android)
    );
}

#[test]
fn malformed_qr_strings_get_typed_errors() {
    let good = sample().to_qr_string();
    let body = good.strip_prefix(QR_LINK_PREFIX).unwrap();
    let f: Vec<&str> = body.split(',').collect();
    assert_eq!(parse_qr(""), Err(QrError::FieldCount(1)));
    assert_eq!(parse_qr(&f[..3].join(",")), Err(QrError::FieldCount(3)));
    assert_eq!(parse_qr(&format!("{body},x")), Err(QrError::FieldCount(6)));
    assert_eq!(parse_qr(&format!(",{}", f[1..].join(","))), Err(QrError::EmptyRef));
    assert_eq!(
        parse_qr(&format!("{},!!!,{},{}", f[0], f[2], f[3])),
        Err(QrError::Base64 { field: "noise key" })
    );
    let short = STANDARD.encode([9u8; 31]);
    assert_eq!(
        parse_qr(&format!("{},{},{short},{}", f[0], f[1], f[3])),
        Err(QrError::KeyLength { field: "identity key", got: 31 })
    );
    assert_eq!(
        parse_qr(&format!("{},{},{},{}", f[0], f[1], f[2], STANDARD.encode([0u8; 33]))),
        Err(QrError::KeyLength { field: "adv secret", got: 33 })
    );
    assert_eq!(
        parse_qr(&format!("{},x", f[..4].join(","))),
        Err(QrError::UnknownClientType("x".into()))
    );
    assert_eq!(
        parse_qr(&format!("{},12", f[..4].join(","))),
        Err(QrError::UnknownClientType("12".into()))
    );
    assert_eq!(
        parse_qr(&format!("{},", f[..4].join(","))),
        Err(QrError::UnknownClientType("".into()))
    );
}

#[test]
fn client_types_and_rotation_timing() {
    for c in "0123456789ce".chars() {
        assert_eq!(CompanionClientType::from_char(c).unwrap().as_char(), c);
    }
    assert_eq!(CompanionClientType::from_char('a'), None);
    assert_eq!(CompanionClientType::from_platform(PlatformType::Chrome).as_char(), '1');
    assert_eq!(CompanionClientType::from_platform(PlatformType::Edge).as_char(), '2');
    assert_eq!(CompanionClientType::from_platform(PlatformType::AndroidPhone).as_char(), 'e');
    assert_eq!(CompanionClientType::from_platform(PlatformType::Unknown).as_char(), '9');

    assert_eq!(qr_timeout(0), FIRST_QR_TIMEOUT);
    assert_eq!(FIRST_QR_TIMEOUT.as_secs(), 60);
    assert_eq!(qr_timeout(1), NEXT_QR_TIMEOUT);
    assert_eq!(qr_timeout(5).as_secs(), 20);
}

proptest! {
    #[test]
    fn parse_never_panics(s in ".{0,200}") {
        let _ = parse_qr(&s);
    }

    #[test]
    fn round_trips_any_keys(noise: [u8; 32], ident: [u8; 32], adv: [u8; 32], r in "[A-Za-z0-9@/+=]{1,40}") {
        let d = QrData {
            reference: r,
            noise_public: PublicKey(noise),
            identity_public: PublicKey(ident),
            adv_secret: adv,
            client_type: Some(CompanionClientType::OtherWebClient),
        };
        prop_assert_eq!(parse_qr(&d.to_qr_string()).unwrap(), d);
    }
}

//! The media host: upload with a media_conn token (the path token must be the body's hash),
//! download by direct path.
use crate::common;

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use common::*;
use wazap::binary::Node;
use wazap::crypto::sha256;

#[tokio::test]
async fn upload_then_download_by_direct_path() {
    let sandbox = start().await;
    create_account(&sandbox, "15550101010", "Kim").await;
    let kim = pair_new_device(&sandbox, "15550101010").await;
    let (mut conn, _) = login(&sandbox, &kim).await;
    let reply = conn.iq("w:m", "set", vec![Node::new("media_conn")]).await;
    let auth = reply.child_by_tag("media_conn").unwrap().attr_str("auth").unwrap().to_owned();

    let blob: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
    let token = URL_SAFE.encode(sha256(&blob));
    let path = format!("/mms/image/{token}?auth={auth}&token={token}");
    let (status, _, body) = http_raw(&sandbox, "POST", &path, &blob).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let direct_path = answer["direct_path"].as_str().unwrap().to_owned();
    assert!(direct_path.starts_with("/v/"));
    assert_eq!(answer["url"], format!("{}{direct_path}", sandbox.media_url()));

    // As whatsmeow downloads: host + direct path + its own query parameters.
    let download = format!("{direct_path}&hash={token}&mms-type=image&__wa-mms=");
    let (status, _, body) = http_raw(&sandbox, "GET", &download, b"").await;
    assert_eq!(status, 200);
    assert_eq!(body, blob);

    // The wrong hash, an unknown auth token, an unknown blob.
    let wrong = URL_SAFE.encode(sha256(b"other"));
    let (status, _, _) =
        http_raw(&sandbox, "POST", &format!("/mms/image/{wrong}?auth={auth}"), &blob).await;
    assert_eq!(status, 400);
    let (status, _, _) =
        http_raw(&sandbox, "POST", &format!("/mms/image/{token}?auth=nope"), &blob).await;
    assert_eq!(status, 401);
    let (status, _, _) =
        http_raw(&sandbox, "GET", &format!("/v/sandbox/{}.enc", "0".repeat(64)), b"").await;
    assert_eq!(status, 404);
}

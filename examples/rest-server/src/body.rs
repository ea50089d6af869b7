//! The request body extractor. wuzapi decodes JSON with Go's `encoding/json`, which matches
//! field names case-insensitively (`Phone`, `phone` and `PHONE` are one field), so integrations
//! send either spelling. We lowercase every object key before decoding into structs whose
//! fields are lowercase; a missing body counts as `{}` so optional-only bodies may be omitted.
use axum::async_trait;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::envelope::ApiError;

/// A JSON body decoded into `T` with case-insensitive field names.
pub struct Body<T>(pub T);

/// Recursively lowercases the keys of every object in `value`.
pub fn lowercase_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), lowercase_keys(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(lowercase_keys).collect()),
        other => other,
    }
}

/// Decodes `bytes` (empty means `{}`) into `T`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(bytes)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?
    };
    if !value.is_object() {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    }
    // The path names the offending field (lowercased, as matched).
    serde_path_to_error::deserialize(lowercase_keys(value)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            ApiError::bad_request(format!("invalid request body: {inner}"))
        } else {
            ApiError::bad_request(format!("invalid request body: field `{path}`: {inner}"))
        }
    })
}

#[async_trait]
impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(status, "the body is larger than this endpoint accepts")
            } else {
                ApiError::new(status, format!("cannot read the body: {e}"))
            }
        })?;
        decode(&bytes).map(Body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Send {
        phone: String,
        #[serde(default)]
        immediate: Option<bool>,
    }

    #[test]
    fn field_names_match_in_any_case() {
        let a: Send = decode(br#"{"Phone":"1","IMMEDIATE":true}"#).unwrap();
        assert_eq!(a, Send { phone: "1".into(), immediate: Some(true) });
        let b: Send = decode(br#"{"phone":"1"}"#).unwrap();
        assert_eq!(b.immediate, None);
    }

    #[test]
    fn bad_bodies_say_what_is_wrong() {
        let e = decode::<Send>(b"{not json").unwrap_err();
        assert!(e.message.contains("malformed JSON"), "{}", e.message);
        let e = decode::<Send>(b"[1]").unwrap_err();
        assert!(e.message.contains("JSON object"), "{}", e.message);
        let e = decode::<Send>(b"{}").unwrap_err();
        assert!(e.message.contains("missing field `phone`"), "{}", e.message);
        let e = decode::<Send>(br#"{"Phone":5}"#).unwrap_err();
        assert!(e.message.contains("field `phone`: invalid type"), "{}", e.message);
    }
}

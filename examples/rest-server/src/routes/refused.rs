//! WhatsApp's refusals of group and user requests as HTTP errors: the server's `<error code>`
//! says whether the caller may not (not a member, not an admin), the thing does not exist, or
//! it conflicts; anything else is the upstream failing (502), as [`client_error`] says.
use axum::http::StatusCode;
use wazap::api;

use super::session::client_error;
use crate::envelope::ApiError;

/// `what` failed with `e` ("cannot rename the group: …").
pub fn refused(what: &str, e: impl Into<api::Error>) -> ApiError {
    let e = e.into();
    let status = match e.server_code() {
        Some(400 | 406) => StatusCode::BAD_REQUEST,
        Some(401 | 403) => StatusCode::FORBIDDEN,
        Some(404) => StatusCode::NOT_FOUND,
        Some(409) => StatusCode::CONFLICT,
        _ => {
            let mut error = client_error(e);
            error.message = format!("{what}: {}", error.message);
            return error;
        }
    };
    ApiError::new(status, format!("{what}: WhatsApp refused ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wazap::ClientError;

    fn server(code: u16) -> ClientError {
        ClientError::ServerError { code, text: "x".into() }
    }

    #[test]
    fn refusals_keep_their_meaning() {
        assert_eq!(refused("a", server(403)).status, StatusCode::FORBIDDEN);
        assert_eq!(refused("a", server(401)).status, StatusCode::FORBIDDEN);
        assert_eq!(refused("a", server(404)).status, StatusCode::NOT_FOUND);
        assert_eq!(refused("a", server(409)).status, StatusCode::CONFLICT);
        assert_eq!(refused("a", server(500)).status, StatusCode::BAD_GATEWAY);
        let e = refused("cannot leave the group", ClientError::NotConnected);
        assert_eq!(e.status, StatusCode::CONFLICT);
        assert!(e.message.starts_with("cannot leave the group: "), "{}", e.message);
    }
}

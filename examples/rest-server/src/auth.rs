//! Authentication extractors: [`UserAuth`] (the user's token in the `Token` header or, as
//! wuzapi also takes it, the `token` query parameter) and [`AdminAuth`] (the admin token in
//! `Authorization`, optionally as `Bearer <token>`).
use std::sync::Arc;

use axum::async_trait;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::envelope::ApiError;
use crate::state::{secret_eq, AppState, User};

pub struct UserAuth(pub Arc<User>);

pub struct AdminAuth;

fn header<'a>(parts: &'a Parts, name: &str) -> Result<Option<&'a str>, ApiError> {
    match parts.headers.get(name) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .map(|s| Some(s.trim()))
            .map_err(|_| ApiError::unauthorized(format!("the {name} header is not valid text"))),
    }
}

#[async_trait]
impl FromRequestParts<AppState> for UserAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let query_token = || {
            let query = parts.uri.query()?;
            form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "token")
                .map(|(_, value)| value.trim().to_owned())
                .filter(|t| !t.is_empty())
        };
        let token = match header(parts, "token")?.filter(|t| !t.is_empty()) {
            Some(token) => token.to_owned(),
            None => query_token()
                .ok_or_else(|| ApiError::unauthorized("missing Token header (or ?token=)"))?,
        };
        state
            .user_by_token(&token)
            .map(UserAuth)
            .ok_or_else(|| ApiError::unauthorized("invalid token"))
    }
}

#[async_trait]
impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let given = header(parts, "authorization")?
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthorized("missing Authorization header (admin token)"))?;
        let given = given.strip_prefix("Bearer ").unwrap_or(given).trim();
        if secret_eq(given, &state.admin_token) {
            Ok(AdminAuth)
        } else {
            Err(ApiError::unauthorized("invalid admin token"))
        }
    }
}

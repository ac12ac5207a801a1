//! The server's one error type. Every failure leaves as the JSON envelope of the contract
//! with a stable code; internal details go to the log (with the request id), never to clients.

use axum::{
    Json,
    extract::rejection::{JsonRejection, QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use carebox_contract::{ErrorBody, ErrorCode, ErrorDetail, FieldError};

#[derive(Debug)]
pub enum ApiError {
    /// A parameter or field is missing or malformed (400).
    BadRequest(FieldError),
    /// The body is not JSON of the expected shape (400).
    InvalidJson(String),
    /// No merchant has this publishable key (404).
    UnknownMerchant,
    /// Nothing here for this caller (404).
    NotFound,
    /// Storage or another dependency failed (500); the cause is logged, not returned.
    Internal(String),
}

impl ApiError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    fn parts(&self) -> (StatusCode, ErrorCode, String, Option<String>) {
        match self {
            Self::BadRequest(e) => (StatusCode::BAD_REQUEST, e.code, e.message.to_owned(), Some(e.field.to_owned())),
            Self::InvalidJson(why) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidJson, why.clone(), None),
            Self::UnknownMerchant => (
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownMerchant,
                "No merchant has this publishable key.".into(),
                Some("key".into()),
            ),
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound, "Not found.".into(), None),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "Something went wrong on our side. Quote the request id to support.".into(),
                None,
            ),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::BadRequest(error)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::InvalidJson(rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::InvalidJson(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let (status, code, message, field) = self.parts();
        (status, Json(ErrorBody { error: ErrorDetail { code, message, field } })).into_response()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (status, code, message, _) = self.parts();
        write!(f, "{status} {code}: {message}")
    }
}

impl std::error::Error for ApiError {}

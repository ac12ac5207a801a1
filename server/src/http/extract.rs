//! Extractors that answer bad input with the API's JSON errors instead of axum's plain text.

use axum::{
    extract::{FromRequestParts, Query},
    http::request::Parts,
};
use carebox_contract::PublishableKey;
use serde::Deserialize;

use super::AppState;
use crate::{ApiError, storage::MerchantRecord};

#[derive(Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

/// The merchant named by the `key` query parameter (the publishable key).
/// Missing or malformed key: 400 with `field: "key"`; unknown key: 404 `unknown_merchant`.
pub struct Merchant(pub std::sync::Arc<MerchantRecord>);

pub(super) fn publishable_key_from_query(query: Option<&str>) -> Result<PublishableKey, ApiError> {
    let Query(KeyQuery { key }) =
        Query::<KeyQuery>::try_from_uri(&format!("/?{}", query.unwrap_or("")).parse().map_err(ApiError::internal)?)?;
    Ok(PublishableKey::parse(key.as_deref().unwrap_or(""))?)
}

impl FromRequestParts<AppState> for Merchant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let key = publishable_key_from_query(parts.uri.query())?;
        let merchant = state.store.merchant_by_publishable_key(&key).await?.ok_or(ApiError::UnknownMerchant)?;
        Ok(Self(merchant))
    }
}

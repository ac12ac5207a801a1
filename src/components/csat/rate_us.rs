//! "Rate us" from the panel's home: an identified shopper rates the shop's service; anyone
//! else rates an order (the one just looked up, or one they look up now).

use carebox_contract::{CsatSubject, LookupMode};
use leptos::prelude::*;

use super::CsatPrompt;
use crate::{
    components::order_lookup::{AfterLookup, OrderLookupForm},
    i18n::texts,
    session::{Credentials, Session},
};

#[component]
pub fn RateUs(mode: LookupMode) -> impl IntoView {
    let session = expect_context::<Session>();
    let words = &texts().csat;
    let target = Memo::new(move |_| session.credentials.rating_target());
    move || match target.get() {
        Some((subject, token)) => view! { <div class="carebox-csat-screen"><CsatPrompt subject token standalone=true/></div> }.into_any(),
        None => view! {
            <p class="carebox-lookup__intro">{words.rate_intro}</p>
            <OrderLookupForm mode then=AfterLookup::Rate/>
        }
        .into_any(),
    }
}

impl Credentials {
    /// What "Rate us" rates, with the token for it: the service for an identified shopper,
    /// else the order looked up last. Tracked.
    pub fn rating_target(&self) -> Option<(CsatSubject, String)> {
        if let Some(token) = self.shopper_token() {
            return Some((CsatSubject::Service, token));
        }
        self.last_looked_up().map(|(number, token)| (CsatSubject::Order(number), token))
    }
}

//! "My bonuses": the shopper's balance, tier, progress to the next tier, points about to
//! expire and recent entries, all derived by the server from the loyalty ledger.

use carebox_contract::{Locale, LookupMode, LoyaltyEntry, LoyaltyEntryKind, LoyaltySummary};
use leptos::prelude::*;

use crate::{
    WidgetSettings,
    components::{
        failure::Failure,
        order_lookup::{AfterLookup, OrderLookupForm},
        skeleton::Skeleton,
    },
    format,
    i18n::{Strings, fill, texts},
    loading::loaded,
    session::{InFlight, Session},
};

/// The card for the identified shopper, or the shopper of the last looked-up order; with
/// neither, the lookup form first.
#[component]
pub fn MyBonuses(mode: LookupMode) -> impl IntoView {
    let session = expect_context::<Session>();
    let token = Memo::new(move |_| session.credentials.shopper_or_order_token());
    move || match token.get() {
        Some(token) => view! { <BonusesFor token/> }.into_any(),
        None => view! { <OrderLookupForm mode then=AfterLookup::Bonuses/> }.into_any(),
    }
}

#[component]
fn BonusesFor(token: String) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let in_flight = InFlight::new();
    let summary = LocalResource::new(move || {
        let (api, token) = (settings.api.clone(), token.clone());
        let abort = in_flight.start();
        async move { api.loyalty(&token, abort.as_ref()).await }
    });
    view! {
        <Transition fallback=move || view! { <Skeleton rows=3/> }>
            <ErrorBoundary fallback=move |errors| view! { <Failure errors on_retry=Callback::new(move |()| summary.refetch())/> }>
                {move || Suspend::new(async move { loaded(summary).await.map(|summary| view! { <BonusesCard summary/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
pub fn BonusesCard(summary: LoyaltySummary) -> impl IntoView {
    let locale = expect_context::<WidgetSettings>().locale;
    let text = texts();
    let words = &text.bonuses;
    let progress = match &summary.next_tier {
        Some(next) => {
            let needed = words.to_next.format(next.points_needed, locale).replace("{tier}", &next.name);
            view! {
                <div class="carebox-bonuses__progress">
                    <div class="carebox-bonuses__bar" role="progressbar" aria-label=words.progress_label
                        aria-valuemin="0" aria-valuemax="100" aria-valuenow=summary.progress_percent.to_string()
                        aria-valuetext=needed.clone()>
                        <span class="carebox-bonuses__fill" style:inline-size=format!("{}%", summary.progress_percent)></span>
                    </div>
                    <p class="carebox-bonuses__next">{needed}</p>
                </div>
            }
            .into_any()
        }
        None => view! { <p class="carebox-bonuses__next">{words.top_tier}</p> }.into_any(),
    };
    let expiring = summary
        .expiring
        .iter()
        .map(|soon| {
            let date = format::date(soon.on, locale);
            view! { <li class="carebox-bonuses__expiring">{words.expiring.format(soon.points, locale).replace("{date}", &date)}</li> }
        })
        .collect_view();
    let entries = summary.entries.iter().map(|entry| entry_line(text, locale, entry)).collect_view();
    let empty = summary.entries.is_empty().then(|| view! { <p class="carebox-my-orders__empty">{words.nothing_yet}</p> });
    view! {
        <article class="carebox-bonuses" aria-labelledby="carebox-bonuses-balance">
            <div class="carebox-bonuses__head">
                <div>
                    <p class="carebox-bonuses__label" id="carebox-bonuses-balance">{words.balance}</p>
                    <p class="carebox-bonuses__balance" tabindex="-1" data-autofocus="">{words.points.format(summary.balance, locale)}</p>
                </div>
                <p class="carebox-bonuses__tier" data-tier=summary.tier.id.clone()>
                    <span class="carebox-bonuses__label">{words.tier}</span>
                    <span class="carebox-bonuses__badge">{summary.tier.name.clone()}</span>
                </p>
            </div>
            {progress}
            <ul class="carebox-list carebox-bonuses__soon">{expiring}</ul>
            <section class="carebox-order__section">
                <h3 class="carebox-bonuses__heading">{words.recent}</h3>
                {empty}
                <ul class="carebox-list">{entries}</ul>
            </section>
        </article>
    }
}

fn entry_line(text: &'static Strings, locale: Locale, entry: &LoyaltyEntry) -> impl IntoView + use<> {
    let words = &text.bonuses;
    let what = match entry.kind {
        LoyaltyEntryKind::Order => fill(words.entry_order, &[("number", entry.order_number.as_ref().map_or("", |n| n.as_str()))]),
        LoyaltyEntryKind::Compensation => fill(words.entry_compensation, &[("ticket", entry.ticket.as_deref().unwrap_or(""))]),
        LoyaltyEntryKind::Adjustment => entry.reason.clone().unwrap_or_else(|| words.entry_adjustment.to_owned()),
        LoyaltyEntryKind::Expiration => words.entry_expiration.to_owned(),
    };
    let sign = if entry.points > 0 { "+" } else { "−" };
    let kind = entry.kind.as_str();
    view! {
        <li class="carebox-bonuses__entry" data-kind=kind>
            <span class="carebox-bonuses__what"><bdi>{what}</bdi><br/>
                <time class="carebox-order-row__meta" datetime=entry.at.to_rfc3339()>{format::date_time(entry.at, locale)}</time></span>
            <span class="carebox-bonuses__points" data-sign=sign>{format!("{sign}{}", format::number(entry.points.abs(), locale))}</span>
        </li>
    }
}

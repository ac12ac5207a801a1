//! Loyalty: find a shopper and see their balance, tier and history, and add or remove points
//! with a reason (signed with the staff member's name); the tiers (thresholds, earn rates,
//! response promises, VIP) and the compensation for broken promises, changed by owners.

use carebox_contract::{CompensationRules, LoyaltyAdjustmentRequest, LoyaltyEntryKind, LoyaltySummary, LoyaltyTier};
use leptos::prelude::*;

use crate::{Outcome, Session, api, failure_message, i18n::Texts, outcome_view};

#[component]
pub fn Loyalty() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    view! {
        <section class="console-section">
            <h1>{text.loyalty}</h1>
            <ShopperPoints/>
            <Tiers/>
            <Compensation/>
        </section>
    }
}

#[component]
fn ShopperPoints() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let email = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<(String, LoyaltySummary)>);
    let found = RwSignal::new(None::<(bool, String)>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        leptos::task::spawn_local(async move {
            match api::shopper_loyalty(&address).await {
                Ok(summary) => {
                    found.set(None);
                    shown.set(Some((address, summary)));
                }
                Err(failure) => {
                    shown.set(None);
                    found.set(Some((false, failure_message(text, &failure))));
                }
            }
        });
    };
    let points = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let adjusted = RwSignal::new(None::<(bool, String)>);
    let adjust = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((address, _)) = shown.get_untracked() else { return };
        let Ok(amount) = points.get_untracked().trim().parse::<i64>() else {
            adjusted.set(Some((false, text.whole_number.to_owned())));
            return;
        };
        let request = LoyaltyAdjustmentRequest { email: address.clone(), points: amount, reason: reason.get_untracked() };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::adjust_points(&request, &csrf).await {
                Ok(summary) => {
                    shown.set(Some((address, summary)));
                    points.set(String::new());
                    reason.set(String::new());
                    adjusted.set(Some((true, text.adjusted.to_owned())));
                }
                Err(failure) => adjusted.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    view! {
        <form class="console-search-form" role="search" on:submit=search>
            <label for="console-loyalty-email">{text.find_shopper}</label>
            <div class="console-row-buttons">
                <input id="console-loyalty-email" type="search" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                <button type="submit" class="console-button">{text.find}</button>
            </div>
        </form>
        {outcome_view(found)}
        {move || shown.get().map(|(address, summary)| view! {
            <div class="console-order-result console-shopper-points">
                <Summary address=address summary=summary/>
                <form class="console-form" on:submit=adjust>
                    <h3>{text.adjust_points}</h3>
                    <label for="console-adjust-points">{text.points_change}</label>
                    <input id="console-adjust-points" type="text" inputmode="numeric" prop:value=move || points.get()
                        on:input=move |ev| points.set(event_target_value(&ev))/>
                    <label for="console-adjust-reason">{text.adjust_reason}</label>
                    <input id="console-adjust-reason" type="text" prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))/>
                    <button type="submit" class="console-button">{text.save}</button>
                    {outcome_view(adjusted)}
                </form>
            </div>
        })}
    }
}

#[component]
fn Summary(address: String, summary: LoyaltySummary) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let next = summary.next_tier.as_ref().map_or_else(
        || text.top_tier.to_owned(),
        |next| format!("{}% · {} {} {}", summary.progress_percent, next.points_needed, text.to_next_tier, next.name),
    );
    let kind = |kind: LoyaltyEntryKind| match kind {
        LoyaltyEntryKind::Order => text.entry_order,
        LoyaltyEntryKind::Compensation => text.entry_compensation,
        LoyaltyEntryKind::Adjustment => text.entry_adjustment,
        LoyaltyEntryKind::Expiration => text.entry_expiration,
    };
    let entries = summary.entries.clone();
    let heading = address.clone();
    view! {
        <div class="console-loyalty-card" data-shopper=address>
            <h2>{heading}</h2>
            <dl class="console-tiles">
                <div class="console-tile" data-figure="balance"><dt>{text.balance}</dt><dd>{summary.balance}</dd></div>
                <div class="console-tile" data-figure="tier"><dt>{text.tier}</dt><dd>{summary.tier.name.clone()}</dd></div>
                <div class="console-tile" data-figure="earned"><dt>{text.earned}</dt><dd>{summary.earned}</dd></div>
            </dl>
            <p class="console-meta">{next}</p>
            <h3>{text.ledger}</h3>
            {entries.is_empty().then(|| view! { <p class="console-empty">{text.no_entries}</p> })}
            <ul class="console-history console-ledger">
                {entries.into_iter().map(|entry| {
                    let about = entry.order_number.as_ref().map(ToString::to_string).or(entry.ticket.clone());
                    view! {
                        <li class="console-event" data-kind=entry.kind.as_str()>
                            <strong>{format!("{:+}", entry.points)}</strong>" · "{kind(entry.kind)}
                            {about.map(|about| view! { " · "{about} })}
                            " · "<time datetime=String::from(entry.at)>{text.when(entry.at)}</time>
                            {entry.by.map(|by| view! { " · "<span class="console-event__who">{format!("{} {by}", text.by_name)}</span> })}
                            {entry.reason.map(|reason| view! { <p class="console-event__text">{reason}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// One tier as typed: numbers stay text until saved, so nothing typed is lost to parsing.
#[derive(Debug, Clone)]
struct TierRow {
    id: RwSignal<String>,
    name: RwSignal<String>,
    threshold: RwSignal<String>,
    earn_percent: RwSignal<String>,
    response_hours: RwSignal<String>,
    vip: RwSignal<bool>,
}

impl TierRow {
    fn of(tier: &LoyaltyTier) -> Self {
        Self {
            id: RwSignal::new(tier.id.clone()),
            name: RwSignal::new(tier.name.clone()),
            threshold: RwSignal::new(tier.threshold.to_string()),
            earn_percent: RwSignal::new(tier.earn_percent.to_string()),
            response_hours: RwSignal::new(tier.response_hours.to_string()),
            vip: RwSignal::new(tier.vip),
        }
    }

    fn tier(&self) -> Option<LoyaltyTier> {
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().ok();
        Some(LoyaltyTier {
            id: self.id.get_untracked().trim().to_owned(),
            name: self.name.get_untracked(),
            threshold: number(self.threshold)?,
            earn_percent: number(self.earn_percent)?,
            response_hours: number(self.response_hours)?,
            vip: self.vip.get_untracked(),
        })
    }
}

#[component]
fn Tiers() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let rows = RwSignal::new(Vec::<TierRow>::new());
    let outcome: Outcome = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        match api::loyalty_tiers().await {
            Ok(tiers) => rows.set(tiers.iter().map(TierRow::of).collect()),
            Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(tiers) = rows.with_untracked(|rows| rows.iter().map(TierRow::tier).collect::<Option<Vec<_>>>()) else {
            outcome.set(Some((false, text.whole_number.to_owned())));
            return;
        };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_loyalty_tiers(&tiers, &csrf).await {
                Ok(saved) => {
                    rows.set(saved.iter().map(TierRow::of).collect());
                    outcome.set(Some((true, text.saved.to_owned())));
                }
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let cell = move |value: RwSignal<String>, label: String, numeric: bool| {
        view! {
            <td><input type="text" inputmode=if numeric { "numeric" } else { "text" } aria-label=label disabled=!owner
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/></td>
        }
    };
    view! {
        <form class="console-form console-tiers" on:submit=save>
            <h2>{text.tiers}</h2>
            {(!owner).then(|| view! { <p class="console-notice">{text.owners_only}</p> })}
            <table>
                <thead><tr>
                    <th scope="col">{text.tier_id}</th><th scope="col">{text.tier_name}</th><th scope="col">{text.threshold}</th>
                    <th scope="col">{text.earn_percent}</th><th scope="col">{text.response_hours}</th><th scope="col">{text.vip}</th>
                    <th scope="col"><span class="console-visually-hidden">{text.remove}</span></th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().enumerate().map(|(i, row)| {
                        let n = i + 1;
                        let label = move |what: &str| format!("{what} ({} {n})", text.tier);
                        view! {
                            <tr data-tier=move || row.id.get()>
                                {cell(row.id, label(text.tier_id), false)}
                                {cell(row.name, label(text.tier_name), false)}
                                {cell(row.threshold, label(text.threshold), true)}
                                {cell(row.earn_percent, label(text.earn_percent), true)}
                                {cell(row.response_hours, label(text.response_hours), true)}
                                <td><input type="checkbox" aria-label=label(text.vip) disabled=!owner prop:checked=move || row.vip.get()
                                    on:change=move |ev| row.vip.set(event_target_checked(&ev))/></td>
                                <td><button type="button" class="console-button console-button--quiet" disabled=!owner aria-label=label(text.remove)
                                    on:click=move |_| rows.update(|rows| { rows.remove(i); })>{text.remove}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {owner.then(|| view! {
                <div class="console-row-buttons">
                    <button type="button" class="console-button console-button--quiet" on:click=move |_| rows.update(|rows| {
                        rows.push(TierRow::of(&LoyaltyTier { id: String::new(), name: String::new(), threshold: 0, earn_percent: 100, response_hours: 24, vip: false }));
                    })>{text.add_tier}</button>
                    <button type="submit" class="console-button">{text.save}</button>
                </div>
            })}
            {outcome_view(outcome)}
        </form>
    }
}

#[component]
fn Compensation() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let owner = session.is_owner();
    let points = RwSignal::new(String::new());
    let cap = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let show = move |rules: CompensationRules| {
        points.set(rules.breach_points.to_string());
        cap.set(rules.cap_per_30_days.to_string());
    };
    leptos::task::spawn_local(async move {
        match api::compensation().await {
            Ok(rules) => show(rules),
            Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(breach_points), Ok(cap_per_30_days)) = (points.get_untracked().trim().parse(), cap.get_untracked().trim().parse()) else {
            outcome.set(Some((false, text.whole_number.to_owned())));
            return;
        };
        let rules = CompensationRules { breach_points, cap_per_30_days };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_compensation(&rules, &csrf).await {
                Ok(saved) => {
                    show(saved);
                    outcome.set(Some((true, text.saved.to_owned())));
                }
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    view! {
        <form class="console-form console-compensation" on:submit=save>
            <h2>{text.compensation}</h2>
            <label for="console-breach-points">{text.breach_points}</label>
            <input id="console-breach-points" type="text" inputmode="numeric" disabled=!owner prop:value=move || points.get()
                on:input=move |ev| points.set(event_target_value(&ev))/>
            <label for="console-cap">{text.cap_per_30_days}</label>
            <input id="console-cap" type="text" inputmode="numeric" disabled=!owner prop:value=move || cap.get()
                on:input=move |ev| cap.set(event_target_value(&ev))/>
            {owner.then(|| view! { <button type="submit" class="console-button">{text.save}</button> })}
            {outcome_view(outcome)}
        </form>
    }
}

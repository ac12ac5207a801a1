//! The panel's first view: the merchant's greeting and one entry per enabled capability.

use carebox_contract::{Feature, WidgetConfig};
use leptos::prelude::*;

use crate::{
    WidgetSettings,
    i18n::{Strings, texts},
    session::{Session, View},
};

#[component]
pub fn Home(config: WidgetConfig) -> impl IntoView {
    let locale = expect_context::<WidgetSettings>().locale;
    let text = texts();
    let greeting = config.greeting(locale).unwrap_or(text.greeting).to_owned();
    let entries = config.features.iter().map(|&feature| view! { <Entry feature text/> }).collect_view();
    view! {
        <div class="carebox-home">
            <p class="carebox-home__greeting">{greeting}</p>
            <ul class="carebox-home__entries">{entries}</ul>
        </div>
    }
}

/// One capability: a button into its flow, or, until the flow ships, a plain "coming soon".
#[component]
fn Entry(feature: Feature, text: &'static Strings) -> impl IntoView {
    let (title, hint) = match feature {
        Feature::OrderStatus => (text.track_order, text.track_order_hint),
        Feature::Complaints => (text.report_problem, text.report_problem_hint),
        Feature::Csat => (text.rate_us, text.rate_us_hint),
        Feature::Loyalty => (text.my_bonuses, text.my_bonuses_hint),
    };
    let content = move || {
        view! {
            <span class="carebox-entry__icon" aria-hidden="true">{icon(feature)}</span>
            <span class="carebox-entry__text">
                <span class="carebox-entry__title">{title}</span>
                <span class="carebox-entry__hint">{hint}</span>
            </span>
        }
    };
    let session = use_context::<Session>();
    match (feature, session) {
        (Feature::OrderStatus, Some(session)) => {
            // An identified shopper sees their orders; anyone else looks one up.
            let open = move |_| {
                let identified = session.credentials.is_identified();
                session.navigation.go(if identified { View::MyOrders } else { View::TrackOrder });
            };
            view! {
                <li class="carebox-entry" data-feature=feature.as_str()>
                    <button type="button" class="carebox-entry__action" on:click=open>{content()}</button>
                </li>
            }
            .into_any()
        }
        (Feature::Loyalty, Some(session)) => view! {
            <li class="carebox-entry" data-feature=feature.as_str()>
                <button type="button" class="carebox-entry__action" on:click=move |_| session.navigation.go(View::Bonuses)>{content()}</button>
            </li>
        }
        .into_any(),
        (Feature::Csat, Some(session)) => view! {
            <li class="carebox-entry" data-feature=feature.as_str()>
                <button type="button" class="carebox-entry__action" on:click=move |_| session.navigation.go(View::RateUs)>{content()}</button>
            </li>
        }
        .into_any(),
        (Feature::Complaints, Some(session)) => view! {
            <li class="carebox-entry" data-feature=feature.as_str()>
                <button type="button" class="carebox-entry__action" on:click=move |_| session.navigation.go(View::ReportProblem(None))>{content()}</button>
            </li>
        }
        .into_any(),
        _ => view! {
            <li class="carebox-entry" data-feature=feature.as_str()>
                {content()}
                <span class="carebox-entry__badge">{text.coming_soon}</span>
            </li>
        }
        .into_any(),
    }
}

fn icon(feature: Feature) -> impl IntoView {
    let path = match feature {
        Feature::OrderStatus => "M3 7l9-4 9 4v10l-9 4-9-4zM3 7l9 4 9-4M12 11v10",
        Feature::Complaints => "M12 3l10 18H2zM12 10v5M12 18v.5",
        Feature::Csat => "M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.3L12 17.5 6.5 20.4l1-6.3L3 9.7l6.2-.9z",
        Feature::Loyalty => "M4 11h16v10H4zM2 7h20v4H2zM12 7v14M12 7c-2-4-6-4-6-1s6 1 6 1 6 2 6-1-4-3-6 1",
    };
    view! {
        <svg viewBox="0 0 24 24" width="22" height="22" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"/>
        </svg>
    }
}

//! One order as the shopper sees it: where it is, what happens next, when it arrives (or an
//! apology when it is late), the parcels, the items, the points, and the full history.

use carebox_contract::{CsatSubject, OrderNumber, OrderStatus, OrderView};
use leptos::prelude::*;

use crate::{
    WidgetSettings,
    api::{ApiClient, ApiFailure},
    components::{
        complaints::{ComplaintList, ComplaintSource},
        csat::CsatPrompt,
        failure::{Failure, LookUpAgain, needs_lookup},
        skeleton::Skeleton,
    },
    format,
    i18n::{fill, texts},
    loading::loaded,
    session::{InFlight, Session, View},
};

/// Loads the order (or shows the lookup's answer at once) and renders it.
#[component]
pub fn OrderDetails(number: OrderNumber) -> impl IntoView {
    let session = expect_context::<Session>();
    let order = order_resource(number.clone());
    let retry = {
        let (session, number) = (session.clone(), number.clone());
        Callback::new(move |()| {
            session.orders.forget(&number);
            order.refetch();
        })
    };
    view! {
        <Transition fallback=move || view! { <Skeleton rows=3/> }>
            <ErrorBoundary fallback=move |errors| {
                if needs_lookup(&errors) {
                    view! { <LookUpAgain/> }.into_any()
                } else {
                    view! { <Failure errors on_retry=retry/> }.into_any()
                }
            }>
                {move || Suspend::new(async move { loaded(order).await.map(|order| view! { <OrderCard order/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

/// The order for a screen: one request at a time, cancelled when the screen goes.
pub fn order_resource(number: OrderNumber) -> LocalResource<Result<OrderView, ApiFailure>> {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let in_flight = InFlight::new();
    LocalResource::new(move || {
        let (api, number, session) = (settings.api.clone(), number.clone(), session.clone());
        let abort = in_flight.start();
        async move { load_order(&session, &api, &number, abort.as_ref()).await }
    })
}

/// The order as this visit knows it, else fetched with its token (and then remembered). No
/// token means the shopper has to look it up: reported as `token_expired`.
async fn load_order(
    session: &Session,
    api: &ApiClient,
    number: &OrderNumber,
    abort: Option<&web_sys::AbortSignal>,
) -> Result<OrderView, ApiFailure> {
    if let Some(view) = session.orders.get(number) {
        return Ok(view);
    }
    let Some(token) = session.credentials.token_for(number) else { return Err(ApiFailure::token_expired()) };
    let view = api.order(number, &token, abort).await?;
    session.remember_order(view.clone(), None);
    Ok(view)
}

#[component]
pub fn OrderCard(order: OrderView) -> impl IntoView {
    let locale = expect_context::<WidgetSettings>().locale;
    let session = use_context::<Session>();
    let text = texts();
    let status = order.status;
    let in_progress = !matches!(status, OrderStatus::Delivered | OrderStatus::Cancelled | OrderStatus::Returned);
    let title = fill(text.order_title, &[("number", order.number.as_str())]);
    let placed = fill(text.placed_on, &[("date", &format::date_time(order.placed_at, locale))]);

    let delay = order.delay.clone().map(|delay| {
        let day = |d| format::day(d, locale);
        let dates = match (delay.originally_expected, delay.now_expected) {
            (Some(old), Some(new)) => fill(text.delay_new_date, &[("old", &day(old)), ("new", &day(new))]),
            (None, Some(new)) => fill(text.delay_new_date_only, &[("new", &day(new))]),
            (Some(old), None) => fill(text.delay_no_date, &[("old", &day(old))]),
            (None, None) => String::new(),
        };
        view! {
            <div class="carebox-delay" role="note" aria-labelledby="carebox-delay-title">
                <p id="carebox-delay-title" class="carebox-delay__title">{text.delay_title}</p>
                <p>{dates}</p>
                {delay.reason.map(|reason| view! { <p class="carebox-delay__reason">{reason}</p> })}
                <p>{text.delay_sorry}</p>
            </div>
        }
    });

    let eta = order.expected_delivery.filter(|_| in_progress).map(|date| {
        view! {
            <p class="carebox-order__eta"><span>{text.expected_delivery}</span> <strong>{format::day(date, locale)}</strong></p>
        }
    });

    let progress = status.progress_index().map(|current| {
        let steps = OrderStatus::PROGRESS
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let state = if i < current {
                    "done"
                } else if i == current {
                    "current"
                } else {
                    "upcoming"
                };
                view! {
                    <li class="carebox-progress__step" data-state=state aria-current=(i == current).then_some("step")>
                        <span class="carebox-progress__dot" aria-hidden="true"></span>
                        <span class="carebox-progress__label">{text.status_name(*step)}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="carebox-progress" aria-label=text.progress_label>{steps}</ol> }
    });

    let shipments = (!order.shipments.is_empty()).then(|| {
        let rows = order.shipments.iter().map(|parcel| {
            let link = parcel.tracking_url.clone().map(|url| view! {
                <a class="carebox-link" href=url target="_blank" rel="noopener noreferrer"
                    aria-label=format!("{}: {} {}", text.track_parcel, parcel.carrier, parcel.tracking_number)>
                    {text.track_parcel}
                </a>
            });
            view! {
                <li class="carebox-parcel">
                    <span><strong>{parcel.carrier.clone()}</strong> " · " <span class="carebox-mono">{parcel.tracking_number.clone()}</span></span>
                    {link}
                </li>
            }
        }).collect_view();
        view! { <section class="carebox-order__section"><h4>{text.shipments}</h4><ul class="carebox-list">{rows}</ul></section> }
    });

    let currency = order.currency.clone();
    let items = order
        .items
        .iter()
        .map(|item| {
            let unit = format::money(item.unit_price_minor, &currency, locale);
            let line = format::money(item.unit_price_minor.saturating_mul(i64::from(item.quantity)), &currency, locale);
            let picture = match item.image_url.clone() {
                Some(src) => view! { <img class="carebox-item__image" src=src alt="" loading="lazy" width="44" height="44"/> }.into_any(),
                None => view! { <span class="carebox-item__image carebox-item__image--none" aria-hidden="true"></span> }.into_any(),
            };
            view! {
                <li class="carebox-item">
                    {picture}
                    <span class="carebox-item__name"><bdi>{item.name.clone()}</bdi><br/>
                        <span class="carebox-item__qty">{format!("{} × {unit}", item.quantity)}</span></span>
                    <span class="carebox-item__total">{line}</span>
                </li>
            }
        })
        .collect_view();
    let total = format::money(order.total_minor, &currency, locale);
    let points = order.loyalty_points.filter(|p| *p > 0).map(|p| {
        view! {
            <p class="carebox-order__points">{text.points_earned.format(p, locale)}</p>
        }
    });

    let history = order
        .timeline
        .iter()
        .rev()
        .map(|entry| {
            view! {
                <li class="carebox-timeline__entry" data-kind=entry.kind.as_str()>
                    <span class="carebox-timeline__name">{text.event_name(entry.kind)}</span>
                    <time datetime=entry.at.to_rfc3339()>{format::date_time(entry.at, locale)}</time>
                    {entry.note.clone().map(|note| view! { <span class="carebox-timeline__note">{note}</span> })}
                </li>
            }
        })
        .collect_view();

    // Once delivered, the shopper is asked how the order went.
    let rating = (status == OrderStatus::Delivered)
        .then(|| session.as_ref().and_then(|s| s.credentials.token_for(&order.number)))
        .flatten()
        .map(|token| view! { <CsatPrompt subject=CsatSubject::Order(order.number.clone()) token/> });
    let number = order.number.clone();
    let report = session.map(|session| {
        let reports = view! { <ComplaintList source=ComplaintSource::Order(number.clone())/> };
        view! {
            <button type="button" part="button secondary-button" class="carebox-button carebox-button--secondary"
                on:click=move |_| session.navigation.go(View::ReportProblem(Some(number.clone())))>
                {text.report_with_order}
            </button>
            {reports}
        }
    });

    view! {
        <article class="carebox-order" aria-labelledby="carebox-order-title" data-status=status.as_str()>
            <div class="carebox-order__head">
                <h3 id="carebox-order-title" tabindex="-1" data-autofocus="">{title}</h3>
                <span class="carebox-status" data-status=status.as_str()>{text.status_name(status)}</span>
            </div>
            <p class="carebox-order__placed">{placed}</p>
            <p class="carebox-order__explained">{text.status_explained(status)}</p>
            {delay}
            {eta}
            {progress}
            {shipments}
            <section class="carebox-order__section">
                <h4>{text.items}</h4>
                <ul class="carebox-list">{items}</ul>
                <p class="carebox-order__total"><span>{text.total}</span> <strong>{total}</strong></p>
                {points}
            </section>
            <section class="carebox-order__section">
                <h4>{text.history}</h4>
                <ol class="carebox-timeline">{history}</ol>
            </section>
            {rating}
            {report}
        </article>
    }
}

//! Webhooks (owners): endpoints with the events they receive, switched off and on, a new
//! signing secret, removal; and the delivery log, where an undelivered event is sent again.

use carebox_contract::{NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointChange, WebhookEventType};
use leptos::prelude::*;

use crate::{Session, api, failure_message, i18n::Texts, outcome_view};

fn event_name(text: &'static Texts, event: WebhookEventType) -> &'static str {
    match event {
        WebhookEventType::ComplaintCreated => text.event_created,
        WebhookEventType::ComplaintEscalated => text.event_escalated,
        WebhookEventType::ComplaintResolved => text.event_resolved,
    }
}

#[component]
pub fn Webhooks() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    if !session.is_owner() {
        return view! {
            <section class="console-section">
                <h1>{text.webhooks}</h1>
                <p class="console-notice">{text.owners_only}</p>
            </section>
        }
        .into_any();
    }
    let endpoints = RwSignal::new(None::<Result<Vec<WebhookEndpoint>, String>>);
    let deliveries = RwSignal::new(None::<Vec<WebhookDelivery>>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            endpoints.set(Some(api::webhook_endpoints().await.map_err(|f| failure_message(text, &f))));
            if let Ok(log) = api::webhook_deliveries().await {
                deliveries.set(Some(log));
            }
        })
    };
    reload();
    view! {
        <section class="console-section">
            <h1>{text.webhooks}</h1>
            <p class="console-meta">{text.webhooks_help}</p>
            <AddEndpoint on_added=Callback::new(move |()| reload())/>
            {move || endpoints.get().map(|answer| match answer {
                Err(message) => view! { <p class="console-error" role="alert">{message}</p> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="console-empty">{text.no_endpoints}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="console-endpoints">
                        {list.into_iter().map(|endpoint| view! { <Endpoint endpoint=endpoint on_change=Callback::new(move |()| reload())/> }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <DeliveryLog deliveries=deliveries endpoints=endpoints on_change=Callback::new(move |()| reload())/>
        </section>
    }
    .into_any()
}

/// The events as checkboxes; `prefix` keeps their ids unique on the page.
fn event_boxes(text: &'static Texts, chosen: RwSignal<Vec<WebhookEventType>>, prefix: String) -> impl IntoView {
    view! {
        <fieldset class="console-fieldset console-events">
            <legend>{text.events}</legend>
            {WebhookEventType::ALL.map(|event| {
                let id = format!("{prefix}-{}", event.as_str().replace('.', "-"));
                view! {
                    <label class="console-check">
                        <input id=id type="checkbox" prop:checked=move || chosen.try_with(|c| c.contains(&event)).unwrap_or(false)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|e| *e != event);
                                    if on { c.push(event); c.sort(); }
                                });
                            }/>
                        {event_name(text, event)}" "<code>{event.as_str()}</code>
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn AddEndpoint(on_added: Callback<()>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let url = RwSignal::new(String::new());
    let events = RwSignal::new(WebhookEventType::ALL.to_vec());
    let outcome = RwSignal::new(None::<(bool, String)>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let endpoint = NewWebhookEndpoint { url: url.get_untracked(), events: events.get_untracked() };
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::add_webhook_endpoint(&endpoint, &csrf).await {
                Ok(_) => {
                    url.set(String::new());
                    outcome.set(Some((true, text.saved.to_owned())));
                    on_added.run(());
                }
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    view! {
        <form class="console-form console-add-endpoint" on:submit=add>
            <h2>{text.add_endpoint}</h2>
            <label for="console-endpoint-url">{text.endpoint_url}</label>
            <input id="console-endpoint-url" type="url" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
            {event_boxes(text, events, "console-new-event".to_owned())}
            <button type="submit" class="console-button">{text.add_endpoint}</button>
            {outcome_view(outcome)}
        </form>
    }
}

#[component]
fn Endpoint(endpoint: WebhookEndpoint, on_change: Callback<()>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let id = StoredValue::new(endpoint.id.clone());
    let events = RwSignal::new(endpoint.events.clone());
    let secret = RwSignal::new(endpoint.secret.clone());
    let outcome = RwSignal::new(None::<(bool, String)>);
    let confirming = RwSignal::new(false);
    let change = move |change: WebhookEndpointChange| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::change_webhook_endpoint(&id.get_value(), &change, &csrf).await {
                Ok(_) => on_change.run(()),
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let rotate = move |_| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::rotate_webhook_secret(&id.get_value(), &csrf).await {
                Ok(rotated) => {
                    secret.set(rotated.secret);
                    outcome.set(Some((true, text.saved.to_owned())));
                }
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let remove = move |_| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::remove_webhook_endpoint(&id.get_value(), &csrf).await {
                Ok(()) => on_change.run(()),
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    let enabled = endpoint.enabled;
    let health = endpoint
        .paused_until
        .map(|until| format!("{} {} ({} {})", text.paused_until, text.when(until), endpoint.consecutive_failures, text.failures));
    let heading_id = format!("endpoint-{}", endpoint.id);
    let labelled_by = heading_id.clone();
    view! {
        <li class="console-endpoint" data-endpoint=endpoint.id.clone() data-enabled=enabled.to_string() aria-labelledby=labelled_by>
            <h3 id=heading_id><code>{endpoint.url.clone()}</code></h3>
            <p class="console-meta">
                <span class="console-badge" data-on=enabled.to_string()>{if enabled { text.endpoint_on } else { text.endpoint_off }}</span>
                {health.map(|h| view! { " · "{h} })}
            </p>
            <p>{text.signing_secret}": "<code class="console-secret">{move || secret.try_get()}</code></p>
            {event_boxes(text, events, format!("console-event-{}", endpoint.id))}
            <div class="console-row-buttons">
                <button type="button" class="console-button console-button--quiet"
                    on:click=move |_| change(WebhookEndpointChange { events: Some(events.get_untracked()), ..Default::default() })>{text.save_events}</button>
                <button type="button" class="console-button console-button--quiet"
                    on:click=move |_| change(WebhookEndpointChange { enabled: Some(!enabled), ..Default::default() })>
                    {if enabled { text.switch_off } else { text.switch_on }}
                </button>
                <button type="button" class="console-button console-button--quiet" on:click=rotate>{text.rotate}</button>
                <button type="button" class="console-button console-button--quiet" on:click=move |_| confirming.set(true)>{text.remove}</button>
            </div>
            // `try_get`: a reload rebuilds the rows, and a row's closure may run once after its
            // signals are gone (seen as "a reactive value that has already been disposed").
            <Show when=move || confirming.try_get().unwrap_or(false)>
                <div class="console-notice console-row-buttons" role="group" aria-label=text.remove_confirm>
                    <span>{text.remove_confirm}</span>
                    <button type="button" class="console-button" on:click=remove>{text.remove}</button>
                    <button type="button" class="console-button console-button--quiet" on:click=move |_| confirming.set(false)>{text.not_now}</button>
                </div>
            </Show>
            {outcome_view(outcome)}
        </li>
    }
}

#[component]
fn DeliveryLog(
    /// `None` until loaded.
    deliveries: RwSignal<Option<Vec<WebhookDelivery>>>,
    endpoints: RwSignal<Option<Result<Vec<WebhookEndpoint>, String>>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let session = expect_context::<Session>();
    let outcome = RwSignal::new(None::<(bool, String)>);
    let url_of = move |id: &str| {
        endpoints
            .with(|e| e.as_ref().and_then(|r| r.as_ref().ok()).and_then(|list| list.iter().find(|e| e.id == id).map(|e| e.url.clone())))
    };
    let retry = move |id: String| {
        let csrf = session.csrf();
        leptos::task::spawn_local(async move {
            match api::retry_webhook_delivery(&id, &csrf).await {
                Ok(_) => {
                    outcome.set(Some((true, text.retried.to_owned())));
                    on_change.run(());
                }
                Err(failure) => outcome.set(Some((false, failure_message(text, &failure)))),
            }
        });
    };
    view! {
        <h2>{text.deliveries}</h2>
        {outcome_view(outcome)}
        {move || {
            let Some(log) = deliveries.get() else {
                return view! { <p>{text.loading}</p> }.into_any();
            };
            if log.is_empty() {
                return view! { <p class="console-empty" data-log="empty">{text.no_deliveries}</p> }.into_any();
            }
            view! {
                <div class="console-report__table">
                    <table class="console-deliveries">
                        <thead><tr>
                            <th scope="col">{text.date}</th><th scope="col">{text.events}</th><th scope="col">{text.endpoint}</th>
                            <th scope="col">{text.status_col}</th><th scope="col">{text.attempts}</th><th scope="col"><span class="console-visually-hidden">{text.retry}</span></th>
                        </tr></thead>
                        <tbody>
                            {log.into_iter().map(|d| {
                                let state = match (d.delivered_at, d.next_attempt_at) {
                                    (Some(_), _) => text.delivered.to_owned(),
                                    (None, Some(next)) => format!("{} · {} {}", text.pending, text.next_try, text.when(next)),
                                    (None, None) => text.given_up.to_owned(),
                                };
                                let last = d.last_status.map(|s| format!(" · HTTP {s}")).or(d.last_error.clone().map(|e| format!(" · {e}"))).unwrap_or_default();
                                let id = d.id.clone();
                                view! {
                                    <tr data-delivery=d.id.clone() data-delivered=d.delivered_at.is_some().to_string()>
                                        <th scope="row">{text.when(d.created_at)}</th>
                                        <td><code>{d.event_type.clone()}</code></td>
                                        <td><code>{url_of(&d.endpoint_id).unwrap_or(d.endpoint_id.clone())}</code></td>
                                        <td>{state}{last}</td>
                                        <td>{d.attempts}</td>
                                        <td>{d.delivered_at.is_none().then(|| view! {
                                            <button type="button" class="console-button console-button--quiet" on:click=move |_| retry(id.clone())>{text.retry}</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

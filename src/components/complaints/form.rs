//! "Report a problem": which order (asked for when not started from one), then the form.
//! The draft is saved as the shopper types; Send locks it and hands it to `sending`.

use carebox_contract::{ComplaintCategory, ErrorCode, FieldError, Locale, LookupMode, OrderNumber, OrderView};
use leptos::{ev::SubmitEvent, prelude::*};

use super::drafts::{Drafts, Sending, new_idempotency_key};
use super::sending;
use crate::{
    PanelState, WidgetSettings,
    api::{ApiFailure, FailureKind},
    components::{
        failure::{Failure, RequestIdDetails, needs_lookup},
        my_orders::MyOrders,
        order_lookup::{AfterLookup, OrderLookupForm},
        order_view::order_resource,
        skeleton::Skeleton,
    },
    i18n::{CONTACT_PREFERENCES, ComplaintStrings, DESIRED_RESOLUTIONS, fill, texts},
    loading::loaded,
    session::{ComplaintSend, Session},
};

/// The complaint flow's first screen.
#[component]
pub fn ReportProblem(
    /// The order the problem is about, when started from one.
    #[prop(optional)]
    order: Option<OrderNumber>,
    /// How the merchant lets shoppers look orders up.
    mode: LookupMode,
) -> impl IntoView {
    match order {
        Some(number) => view! { <ReportForOrder number mode/> }.into_any(),
        None => view! { <ChooseOrder mode/> }.into_any(),
    }
}

/// Asks which order: an identified shopper picks from their orders, anyone else looks it up.
#[component]
fn ChooseOrder(mode: LookupMode) -> impl IntoView {
    let text = texts();
    let credentials = expect_context::<Session>().credentials;
    // Tracked: a shop that signs its shopper in while the form is up (a Leptos app placing
    // this screen) swaps the lookup for their orders.
    let identified = Memo::new(move |_| credentials.shopper_token().is_some());
    view! {
        <div class="carebox-report">
            <h3 class="carebox-report__title">{text.complaint.choose_order}</h3>
            {move || if identified.get() {
                view! { <MyOrders for_complaint=true/> }.into_any()
            } else {
                view! { <OrderLookupForm mode then=AfterLookup::ReportProblem/> }.into_any()
            }}
        </div>
    }
}

/// Loads the order (its items are part of the form); an expired token asks for the lookup.
#[component]
fn ReportForOrder(number: OrderNumber, mode: LookupMode) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let text = settings.text;
    let order = order_resource(number.clone());
    view! {
        <Transition fallback=move || view! { <Skeleton rows=4/> }>
            <ErrorBoundary fallback={
                let (session, number) = (session.clone(), number.clone());
                move |errors: ArcRwSignal<Errors>| {
                    if needs_lookup(&errors) {
                        // The draft is safe in storage; the lookup brings the shopper back here.
                        session.lookup.prefill(&number);
                        view! {
                            <div class="carebox-report">
                                <p class="carebox-failure__message" role="alert">{text.token_expired}</p>
                                <OrderLookupForm mode then=AfterLookup::ReportProblem/>
                            </div>
                        }.into_any()
                    } else {
                        view! { <Failure errors on_retry=Callback::new(move |()| order.refetch())/> }.into_any()
                    }
                }
            }>
                {move || Suspend::new(async move { loaded(order).await.map(|order| view! { <ComplaintForm order/> }) })}
            </ErrorBoundary>
        </Transition>
    }
}

/// What the shopper is told about one field of the form.
fn field_message(text: &ComplaintStrings, locale: Locale, error: &FieldError, description: &str) -> String {
    let chars = description.trim().chars().count();
    match (error.field.as_ref(), error.code) {
        ("category", _) => text.category_missing.into(),
        ("description", ErrorCode::Missing) => text.description_missing.into(),
        ("description", _) if chars < carebox_contract::ComplaintDescription::MIN_CHARS => {
            let needed = carebox_contract::ComplaintDescription::MIN_CHARS - chars;
            text.description_short.format(needed as i64, locale)
        }
        ("description", _) => {
            let over = chars.saturating_sub(carebox_contract::ComplaintDescription::MAX_CHARS);
            text.description_long.format(over as i64, locale)
        }
        ("desired_resolution", _) => text.resolution_missing.into(),
        ("contact_preference", _) => text.contact_missing.into(),
        _ => text.items_invalid.into(),
    }
}

/// The field the server refused, as a field error of this form.
fn refused_field(failure: &ApiFailure) -> Option<FieldError> {
    match &failure.kind {
        FailureKind::Server { field: Some(field), code, .. } => Some(FieldError { field: field.clone().into(), code: *code, message: "" }),
        _ => None,
    }
}

#[component]
pub fn ComplaintForm(order: OrderView) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let panel = expect_context::<PanelState>();
    let locale = settings.locale;
    let text = texts();
    let words = &text.complaint;
    let number = order.number.clone();
    let item_count = order.items.len();
    let drafts = Drafts::new(settings.api.key());
    let draft = RwSignal::new(drafts.load(&number));

    // Every change is kept at once: a reload or a closed panel loses nothing.
    {
        let (drafts, number) = (drafts.clone(), number.clone());
        Effect::new(move |previous: Option<()>| {
            draft.with(|d| {
                if previous.is_some() {
                    drafts.save(&number, d);
                }
            });
        });
    }

    let send_state = {
        let (session, number) = (session.clone(), number.clone());
        Memo::new(move |_| session.outbox.send_state(&number))
    };
    let locked = move || send_state.get().is_some_and(|s| s.is_pending());
    // A refusal drops the key: the next Send, after the shopper's fix, is a new request.
    Effect::new(move || {
        if matches!(send_state.get(), Some(ComplaintSend::Refused(_))) {
            draft.update(|d| d.sending = None);
        }
    });

    let start_sending = {
        let (api, session, panel, number) = (settings.api.clone(), session.clone(), panel.clone(), number.clone());
        move |sending: Sending| sending::start(api.clone(), session.clone(), panel.clone(), number.clone(), sending)
    };
    // Pressed Send before a reload or before leaving the form: carry on with the same key.
    if let Some(sending) = draft.get_untracked().sending {
        start_sending(sending);
    }

    let checked = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // Checked live once the shopper has pressed Send, so each message goes as it is fixed.
    let errors = {
        let number = number.clone();
        Signal::derive(move || {
            let mut errors =
                if checked.get() { draft.with(|d| d.check(&number, item_count).err().unwrap_or_default()) } else { Vec::new() };
            if let Some(ComplaintSend::Refused(failure)) = send_state.get() {
                errors.extend(refused_field(&failure));
            }
            errors
        })
    };
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            errors
                .with(|all| all.iter().find(|e| e.field == field).map(|e| draft.with(|d| field_message(words, locale, e, &d.description))))
        })
    };

    let submit = {
        let (drafts, number, session) = (drafts.clone(), order.number.clone(), session.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            if locked() {
                return;
            }
            checked.set(true);
            session.outbox.set_send_state(&number, None);
            match draft.with_untracked(|d| d.check(&number, item_count)) {
                Err(_) => {
                    request_animation_frame(move || focus_first_invalid(form_ref));
                }
                Ok(request) => {
                    let sending = Sending { key: new_idempotency_key(), request };
                    draft.update(|d| d.sending = Some(sending.clone()));
                    // Stored before the first request leaves, so a reload resumes with this key.
                    drafts.save(&number, &draft.get_untracked());
                    start_sending(sending);
                }
            }
        }
    };

    let items = order
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let index = index as u32;
            let id = format!("carebox-complaint-item-{index}");
            view! {
                <label class="carebox-choice" for=id.clone()>
                    <input type="checkbox" id=id.clone() name="items" value=index.to_string()
                        prop:checked=move || draft.with(|d| d.items.contains(&index))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| {
                                d.items.retain(|i| *i != index);
                                if on { d.items.push(index); }
                            });
                        }/>
                    <span>{item.name.clone()}</span>
                </label>
            }
        })
        .collect_view();

    let category_error = error_for("category");
    let description_error = error_for("description");
    let resolution_error = error_for("desired_resolution");
    let contact_error = error_for("contact_preference");
    let items_error = error_for("items");

    let categories = radio_group(
        "category",
        ComplaintCategory::ALL.iter().map(|c| (*c, words.category(*c))).collect(),
        move || draft.with(|d| d.category),
        move |c| draft.update(|d| d.category = Some(c)),
    );
    let resolutions = radio_group(
        "desired_resolution",
        DESIRED_RESOLUTIONS.iter().map(|r| (*r, words.resolution(*r))).collect(),
        move || draft.with(|d| d.desired_resolution),
        move |r| draft.update(|d| d.desired_resolution = Some(r)),
    );
    let contacts = radio_group(
        "contact_preference",
        CONTACT_PREFERENCES.iter().map(|c| (*c, words.contact(*c))).collect(),
        move || draft.with(|d| d.contact_preference),
        move |c| draft.update(|d| d.contact_preference = Some(c)),
    );

    let count = move || {
        let chars = draft.with(|d| d.description.trim().chars().count());
        let max = crate::format::number(carebox_contract::ComplaintDescription::MAX_CHARS as i64, locale);
        fill(words.char_count, &[("n", &crate::format::number(chars as i64, locale)), ("max", &max)])
    };
    let over_limit = move || draft.with(|d| d.description.trim().chars().count() > carebox_contract::ComplaintDescription::MAX_CHARS);

    let order_number = order.number.clone();
    let status = move || -> Option<AnyView> {
        let state = send_state.get()?;
        Some(match state {
            ComplaintSend::Sending => view! { <p class="carebox-send carebox-send--progress">{words.sending}</p> }.into_any(),
            ComplaintSend::Queued { offline } => view! {
                <div class="carebox-send carebox-send--queued">
                    <p>{if offline { words.queued_offline } else { words.queued_retry }}</p>
                    <button type="button" part="button secondary-button" class="carebox-button carebox-button--secondary" on:click={
                        let session = session.clone();
                        move |_| sending::try_now(&session)
                    }>{words.try_now}</button>
                </div>
            }
            .into_any(),
            ComplaintSend::NeedsLookup => {
                let session = session.clone();
                let number = order_number.clone();
                view! {
                    <div class="carebox-send carebox-send--queued">
                        <p>{words.needs_lookup}</p>
                        <button type="button" part="button" class="carebox-button" on:click=move |_| {
                            session.lookup.prefill(&number);
                            session.navigation.go(crate::session::View::ReportProblem(None));
                        }>{text.find_order}</button>
                    </div>
                }
                .into_any()
            }
            ComplaintSend::Refused(failure) => {
                let message = if refused_field(&failure).is_some() { words.fix_fields } else { text.failure_message(&failure) };
                let request_id = Signal::derive(move || failure.request_id.clone());
                view! {
                    <div class="carebox-send carebox-send--refused">
                        <p>{message}</p>
                        <RequestIdDetails request_id/>
                    </div>
                }
                .into_any()
            }
        })
    };
    let summary = move || (checked.get() && errors.with(|e| !e.is_empty()) && !locked()).then_some(words.fix_fields);

    view! {
        <form class="carebox-complaint" novalidate on:submit=submit node_ref=form_ref data-order=order.number.to_string()>
            <h3 class="carebox-report__title" tabindex="-1" data-autofocus="">{fill(words.intro, &[("number", order.number.as_str())])}</h3>
            <p class="carebox-field__hint">{words.draft_note}</p>
            <fieldset class="carebox-complaint__fields" disabled=locked>
                {(item_count > 0).then(|| view! {
                    <fieldset class="carebox-group" aria-describedby="carebox-complaint-items-error">
                        <legend>{words.items_label}</legend>
                        {items}
                        <p id="carebox-complaint-items-error" class="carebox-field__error">{move || items_error.get()}</p>
                    </fieldset>
                })}
                <RadioFieldset name="category" legend=words.category_label error=category_error>{categories}</RadioFieldset>
                <div class="carebox-field">
                    <label for="carebox-complaint-description">{words.description_label}</label>
                    <textarea part="input" id="carebox-complaint-description" name="description" rows="5"
                        aria-describedby="carebox-complaint-description-hint carebox-complaint-description-count carebox-complaint-description-error"
                        aria-invalid=move || description_error.get().is_some().to_string()
                        prop:value=move || draft.with(|d| d.description.clone())
                        on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))></textarea>
                    <div class="carebox-complaint__under">
                        <p id="carebox-complaint-description-hint" class="carebox-field__hint">{words.description_hint}</p>
                        <p id="carebox-complaint-description-count" class="carebox-complaint__count" data-over=move || over_limit().to_string()>{count}</p>
                    </div>
                    <p id="carebox-complaint-description-error" class="carebox-field__error" aria-live="polite">{move || description_error.get()}</p>
                </div>
                <RadioFieldset name="desired_resolution" legend=words.resolution_label error=resolution_error>{resolutions}</RadioFieldset>
                <RadioFieldset name="contact_preference" legend=words.contact_label error=contact_error>{contacts}</RadioFieldset>
            </fieldset>
            <div class="carebox-complaint__status" role="status" aria-live="polite">
                {status}
                {move || summary().map(|s| view! { <p class="carebox-send carebox-send--refused">{s}</p> })}
            </div>
            <button type="submit" part="button" class="carebox-button carebox-complaint__send" aria-disabled=move || locked().to_string()>
                {move || if locked() { words.sending } else { words.send }}
            </button>
        </form>
    }
}

/// A labelled group of radio buttons with its error line.
#[component]
fn RadioFieldset(name: &'static str, legend: &'static str, error: Signal<Option<String>>, children: Children) -> impl IntoView {
    let error_id = format!("carebox-complaint-{name}-error");
    let described_by = error_id.clone();
    view! {
        <fieldset class="carebox-group" aria-describedby=described_by data-invalid=move || error.get().is_some().to_string()>
            <legend>{legend}</legend>
            {children()}
            <p id=error_id class="carebox-field__error">{move || error.get()}</p>
        </fieldset>
    }
}

fn radio_group<T: Copy + PartialEq + Send + Sync + 'static>(
    name: &'static str,
    choices: Vec<(T, &'static str)>,
    current: impl Fn() -> Option<T> + Copy + Send + Sync + 'static,
    choose: impl Fn(T) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    choices
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let id = format!("carebox-complaint-{name}-{i}");
            view! {
                <label class="carebox-choice" for=id.clone()>
                    <input type="radio" id=id.clone() name=name
                        prop:checked=move || current() == Some(value)
                        on:change=move |_| choose(value)/>
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view()
}

fn focus_first_invalid(form: NodeRef<leptos::html::Form>) {
    use wasm_bindgen::JsCast;
    // `try_`: the form may be gone by the next frame (a Back in the same frame).
    let Some(form) = form.try_get_untracked().flatten() else {
        return;
    };
    let target = form
        .query_selector("[data-invalid=true] input, textarea[aria-invalid=true]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}

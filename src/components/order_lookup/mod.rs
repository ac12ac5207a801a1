//! "Track an order": order number + e-mail (or postcode). Checked here first with the same
//! parser the server uses; the typed text stays through every error.

use carebox_contract::{ErrorCode, FieldError, LookupMode, OrderLookup, OrderLookupRequest};
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    WidgetSettings,
    api::{ApiFailure, FailureKind},
    components::failure::RequestIdDetails,
    i18n::Strings,
    session::{InFlight, Session, View},
};

/// Where the lookup form leads once the order is found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AfterLookup {
    /// The order's page.
    #[default]
    Order,
    /// The complaint form for the order.
    ReportProblem,
    /// The "My bonuses" card of the order's shopper.
    Bonuses,
    /// "Rate us", rating the order.
    Rate,
}

/// What the shopper is told about one field.
fn field_message(text: &Strings, error: &FieldError) -> &'static str {
    match (error.field.as_ref(), error.code) {
        ("order_number", ErrorCode::Missing) => text.order_number_missing,
        ("order_number", _) => text.order_number_invalid,
        ("email", ErrorCode::Missing) => text.email_missing,
        ("email", _) => text.email_invalid,
        ("postcode", ErrorCode::Missing) => text.postcode_missing,
        ("postcode", _) => text.postcode_invalid,
        _ => text.error_generic,
    }
}

#[component]
pub fn OrderLookupForm(
    /// E-mail or postcode, as the merchant configured.
    mode: LookupMode,
    /// Where a found order leads (its page, unless the lookup serves another screen).
    #[prop(optional)]
    then: AfterLookup,
) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let session = expect_context::<Session>();
    let text = settings.text;
    let form = session.lookup.signal();
    let in_flight = InFlight::new();

    let field_errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiFailure>);
    let pending = RwSignal::new(false);
    let error_for = move |field: &'static str| {
        move || field_errors.with(|errors| errors.iter().find(|e| e.field == field).map(|e| field_message(text, e)))
    };

    let submit = {
        let form = form.clone();
        let session = session.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            if pending.get_untracked() {
                return;
            }
            let request: OrderLookupRequest = form.get_untracked();
            if let Err(errors) = OrderLookup::parse(&request, mode) {
                field_errors.set(errors);
                failure.set(None);
                return;
            }
            field_errors.set(Vec::new());
            failure.set(None);
            pending.set(true);
            let api = settings.api.clone();
            let session = session.clone();
            let abort = in_flight.start();
            leptos::task::spawn_local(async move {
                let result = api.lookup_order(&request, abort.as_ref()).await;
                // Aborted because the shopper left: nothing to update.
                if abort.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                    return;
                }
                pending.set(false);
                match result {
                    Ok(found) => {
                        let number = found.order.number.clone();
                        session.remember_order(found.order, Some(found.token));
                        session.navigation.go(match then {
                            AfterLookup::Order => View::Order(number),
                            AfterLookup::ReportProblem => View::ReportProblem(Some(number)),
                            AfterLookup::Bonuses => View::Bonuses,
                            AfterLookup::Rate => View::RateUs,
                        });
                    }
                    Err(ApiFailure { kind: FailureKind::Server { field: Some(field), code, .. }, .. })
                        if code == ErrorCode::Missing || code == ErrorCode::Invalid =>
                    {
                        field_errors.set(vec![FieldError { field: field.into(), code, message: "" }]);
                    }
                    Err(error) => failure.set(Some(error)),
                }
            });
        }
    };

    let (proof_field, proof_label, proof_type, proof_autocomplete, intro) = match mode {
        LookupMode::Email => ("email", text.email_label, "email", "email", text.lookup_intro_email),
        LookupMode::Postcode => ("postcode", text.postcode_label, "text", "postal-code", text.lookup_intro_postcode),
    };
    let number_error = error_for("order_number");
    let proof_error = error_for(proof_field);
    let failure_message = move || {
        failure.get().map(|f| match f.code() {
            Some(ErrorCode::OrderNotFound) if mode == LookupMode::Email => text.not_found_email,
            Some(ErrorCode::OrderNotFound) => text.not_found_postcode,
            _ => text.failure_message(&f),
        })
    };
    let request_id = Signal::derive(move || failure.get().and_then(|f| f.request_id));

    let number_value = {
        let form = form.clone();
        move || form.with(|f| f.order_number.clone())
    };
    let proof_value = {
        let form = form.clone();
        move || form.with(|f| if mode == LookupMode::Email { f.email.clone() } else { f.postcode.clone() }.unwrap_or_default())
    };
    let set_number = {
        let form = form.clone();
        move |value: String| form.update(|f| f.order_number = value)
    };
    let set_proof = move |value: String| {
        form.update(|f| match mode {
            LookupMode::Email => f.email = Some(value),
            LookupMode::Postcode => f.postcode = Some(value),
        })
    };

    view! {
        <form class="carebox-lookup" novalidate on:submit=submit>
            <p class="carebox-lookup__intro">{intro}</p>
            <div class="carebox-field">
                <label for="carebox-order-number">{text.order_number_label}</label>
                <input part="input" id="carebox-order-number" name="order_number" type="text" autocomplete="off"
                    inputmode="text" spellcheck="false" maxlength="60"
                    aria-describedby="carebox-order-number-hint carebox-order-number-error"
                    aria-invalid=move || number_error().is_some().to_string()
                    prop:value=number_value
                    on:input=move |ev| set_number(event_target_value(&ev))/>
                <p id="carebox-order-number-hint" class="carebox-field__hint">{text.order_number_hint}</p>
                <p id="carebox-order-number-error" class="carebox-field__error" aria-live="polite">{number_error}</p>
            </div>
            <div class="carebox-field">
                <label for="carebox-lookup-proof">{proof_label}</label>
                <input part="input" id="carebox-lookup-proof" name=proof_field type=proof_type autocomplete=proof_autocomplete
                    spellcheck="false" maxlength="254"
                    aria-describedby="carebox-lookup-proof-error"
                    aria-invalid=move || proof_error().is_some().to_string()
                    prop:value=proof_value
                    on:input=move |ev| set_proof(event_target_value(&ev))/>
                <p id="carebox-lookup-proof-error" class="carebox-field__error" aria-live="polite">{proof_error}</p>
            </div>
            <div class="carebox-lookup__failure" role="alert">
                {move || failure_message().map(|message| view! {
                    <p class="carebox-lookup__failure-message">{message}</p>
                })}
                <RequestIdDetails request_id/>
            </div>
            <button type="submit" part="button" class="carebox-button carebox-lookup__submit" aria-disabled=move || pending.get().to_string()>
                {move || if pending.get() { text.finding_order } else { text.find_order }}
            </button>
        </form>
    }
}

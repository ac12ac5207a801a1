//! One-click CSAT: the question, the 1–5 rating whose first click is the answer, and an
//! optional comment after it. Offered on a resolved complaint, on a delivered order, and
//! from the panel's "Rate us" entry (`RateUs`).

mod rate_us;
mod rating;

pub use rate_us::RateUs;
pub use rating::RatingScale;

use carebox_contract::{CsatAnswer, CsatAnswerRequest, CsatComment, CsatScore, CsatSubject, ErrorCode, Feature, WidgetConfig};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::{
    WidgetSettings,
    components::{failure::Failure, skeleton::Skeleton},
    format,
    i18n::{fill, texts},
    loading::loaded,
    panel_state::PanelState,
    session::InFlight,
};

/// The rating of one subject, starting from the shopper's answer so far.
#[component]
pub fn CsatPrompt(
    subject: CsatSubject,
    token: String,
    /// The prompt is the screen's main content (its question is an `h3`, else an `h4`).
    #[prop(optional)]
    standalone: bool,
) -> impl IntoView {
    // Only where the merchant offers ratings (always, outside the app: component tests).
    let offered = use_context::<WidgetConfig>().is_none_or(|config| config.features.contains(&Feature::Csat));
    offered.then(|| view! { <CsatLoaded subject token standalone/> })
}

#[component]
fn CsatLoaded(subject: CsatSubject, token: String, standalone: bool) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let in_flight = InFlight::new();
    let status = {
        let (subject, token) = (subject.clone(), token.clone());
        LocalResource::new(move || {
            let (api, subject, token) = (settings.api.clone(), subject.clone(), token.clone());
            let abort = in_flight.start();
            async move { api.csat(&subject, &token, abort.as_ref()).await }
        })
    };
    view! {
        <Transition fallback=move || view! { <Skeleton rows=1/> }>
            <ErrorBoundary fallback=move |errors| view! { <Failure errors on_retry=Callback::new(move |()| status.refetch())/> }>
                {
                    let (subject, token) = (subject.clone(), token.clone());
                    move || {
                        let (subject, token) = (subject.clone(), token.clone());
                        Suspend::new(async move {
                            loaded(status).await.map(|status| view! { <CsatAnswerBox subject token answer=status.answer standalone/> })
                        })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}

/// How the comment after the score stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CommentState {
    Typing,
    Sending,
    Sent,
    TooLong,
    NotSaved,
}

#[component]
pub fn CsatAnswerBox(subject: CsatSubject, token: String, answer: Option<CsatAnswer>, #[prop(optional)] standalone: bool) -> impl IntoView {
    let settings = expect_context::<WidgetSettings>();
    let panel = use_context::<PanelState>();
    let locale = settings.locale;
    let words = &texts().csat;
    let question = match subject {
        CsatSubject::Complaint(_) => words.question_complaint,
        CsatSubject::Order(_) => words.question_order,
        CsatSubject::Service => words.question_service,
    };
    let question_id = format!("carebox-csat-{}", subject.kind());

    let comment = RwSignal::new(answer.as_ref().and_then(|a| a.comment.clone()).unwrap_or_default());
    // What the server holds, and what the shopper sees chosen (ahead of the server's answer).
    let answer = RwSignal::new(answer);
    let selected = RwSignal::new(answer.with_untracked(|a| a.as_ref().map(|a| a.score)));
    let read_only = Signal::derive(move || answer.with(|a| a.as_ref().is_some_and(|a| !a.editable)));
    let problem = RwSignal::new(None::<&'static str>);
    let comment_state = RwSignal::new(CommentState::Typing);
    // Clicks while a save is on its way are sent after it, in order: the last click wins.
    let wanted = StoredValue::new(None::<CsatScore>);
    let sending = RwSignal::new(false);

    let send_scores = {
        let (api, subject, token) = (settings.api.clone(), subject.clone(), token.clone());
        move || {
            let (api, subject, token, panel) = (api.clone(), subject.clone(), token.clone(), panel.clone());
            leptos::task::spawn_local(async move {
                while let Some(score) = wanted.try_update_value(Option::take).flatten() {
                    let request = CsatAnswerRequest { score, comment: None };
                    match api.answer_csat(&subject, &request, &token, None).await {
                        Ok(saved) => {
                            let changed = answer.try_with_untracked(Option::is_some).unwrap_or(false);
                            if let Some(panel) = &panel {
                                panel.announce("csat-submitted", &submitted_detail(&saved, changed));
                            }
                            answer.try_set(Some(saved));
                        }
                        Err(failure) => {
                            if failure.code() == Some(ErrorCode::EditWindowClosed) {
                                answer.try_update(|a| a.iter_mut().for_each(|a| a.editable = false));
                                wanted.try_set_value(None);
                            } else {
                                problem.try_set(Some(words.not_saved));
                            }
                            // Show what the server holds, not the click that failed.
                            selected.try_set(answer.try_with_untracked(|a| a.as_ref().map(|a| a.score)).flatten());
                        }
                    }
                }
                sending.try_set(false);
            });
        }
    };
    let on_choose = Callback::new(move |score: CsatScore| {
        selected.set(Some(score));
        problem.set(None);
        wanted.set_value(Some(score));
        if !sending.get_untracked() {
            sending.set(true);
            send_scores();
        }
    });

    let send_comment = {
        let (api, subject, token) = (settings.api.clone(), subject.clone(), token.clone());
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(score) = answer.with_untracked(|a| a.as_ref().map(|a| a.score)) else { return };
            let Ok(parsed) = CsatComment::parse(&comment.get_untracked()) else {
                comment_state.set(CommentState::TooLong);
                return;
            };
            comment_state.set(CommentState::Sending);
            let (api, subject, token) = (api.clone(), subject.clone(), token.clone());
            leptos::task::spawn_local(async move {
                let request = CsatAnswerRequest { score, comment: Some(parsed) };
                match api.answer_csat(&subject, &request, &token, None).await {
                    Ok(saved) => {
                        answer.try_set(Some(saved));
                        comment_state.try_set(CommentState::Sent);
                    }
                    Err(failure) if failure.code() == Some(ErrorCode::EditWindowClosed) => {
                        answer.try_update(|a| a.iter_mut().for_each(|a| a.editable = false));
                    }
                    Err(_) => {
                        comment_state.try_set(CommentState::NotSaved);
                    }
                }
            });
        }
    };

    let status_line = move || {
        if sending.get() {
            return Some(words.saving.to_owned());
        }
        answer.with(|a| {
            a.as_ref().map(|a| {
                if a.editable {
                    format!("{} {}", words.saved, fill(words.editable_until, &[("date", &format::date_time(a.editable_until, locale))]))
                } else {
                    fill(words.locked, &[("label", words.labels.label(a.score))])
                }
            })
        })
    };
    let comment_error = move || match comment_state.get() {
        CommentState::TooLong => Some(words.comment_too_long),
        CommentState::NotSaved => Some(words.not_saved),
        _ => None,
    };
    let comment_id = format!("{question_id}-comment");
    let comment_box = move || {
        let show = answer.with(|a| a.as_ref().is_some_and(|a| a.editable));
        show.then(|| {
            let comment_id = comment_id.clone();
            view! {
                <form class="carebox-csat__comment" novalidate on:submit=send_comment.clone()>
                    <div class="carebox-field">
                        <label for=comment_id.clone()>{words.comment_label}</label>
                        <textarea part="input" id=comment_id.clone() rows="3" aria-describedby=format!("{comment_id}-error")
                            aria-invalid=move || comment_error().is_some().to_string()
                            prop:value=move || comment.get()
                            on:input=move |ev| {
                                comment.set(event_target_value(&ev));
                                if comment_state.get_untracked() != CommentState::Sending {
                                    comment_state.set(CommentState::Typing);
                                }
                            }></textarea>
                        <p id=format!("{comment_id}-error") class="carebox-field__error" aria-live="polite">{comment_error}</p>
                    </div>
                    <button type="submit" part="button secondary-button" class="carebox-button carebox-button--secondary"
                        aria-disabled=move || (comment_state.get() == CommentState::Sending).to_string()>{words.comment_send}</button>
                    <p class="carebox-csat__sent" role="status">
                        {move || (comment_state.get() == CommentState::Sent).then_some(words.comment_sent)}
                    </p>
                </form>
            }
        })
    };

    view! {
        <section class="carebox-csat" data-subject=subject.kind() data-answered=move || answer.with(Option::is_some).to_string()>
            {if standalone {
                view! { <h3 id=question_id.clone() class="carebox-csat__question">{question}</h3> }.into_any()
            } else {
                view! { <h4 id=question_id.clone() class="carebox-csat__question">{question}</h4> }.into_any()
            }}
            <RatingScale labelled_by=question_id selected read_only on_choose/>
            <p class="carebox-csat__status" role="status">{status_line}</p>
            <p class="carebox-field__error" role="alert">{move || problem.get()}</p>
            {comment_box}
        </section>
    }
}

/// `{ subject, score, changed }` for the host page's `csat-submitted` event.
fn submitted_detail(answer: &CsatAnswer, changed: bool) -> JsValue {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"subject".into(), &answer.subject.to_string().into());
    let _ = js_sys::Reflect::set(&detail, &"score".into(), &answer.score.get().into());
    let _ = js_sys::Reflect::set(&detail, &"changed".into(), &changed.into());
    detail.into()
}

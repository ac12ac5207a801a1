//! A 1–5 rating as a radio group whose first click is the answer. Arrow keys (and Home/End)
//! only move focus, so looking around never answers by accident; a click, Enter or Space on
//! an option chooses it. Each option has a spoken label, not only a number.

use carebox_contract::CsatScore;
use leptos::{ev::KeyboardEvent, prelude::*};
use wasm_bindgen::JsCast;

use crate::{WidgetSettings, i18n::texts};

#[component]
pub fn RatingScale(
    /// The id of the question that names the group.
    #[prop(into)]
    labelled_by: String,
    /// The chosen score, if any.
    #[prop(into)]
    selected: Signal<Option<CsatScore>>,
    /// Read-only: the edit window has closed.
    #[prop(into, optional)]
    read_only: Signal<bool>,
    on_choose: Callback<CsatScore>,
) -> impl IntoView {
    let locale = expect_context::<WidgetSettings>().locale;
    let labels = texts().csat.labels;
    // The one option in the Tab order: the chosen one, else the first.
    let tab_stop = move || selected.get().map_or(0, |s| usize::from(s.get() - 1));
    let group = NodeRef::<leptos::html::Div>::new();

    let on_keydown = move |event: KeyboardEvent| {
        let Some(group) = group.get_untracked() else { return };
        let options = group.query_selector_all("[role=radio]").ok();
        let options: Vec<web_sys::HtmlElement> = options
            .map(|list| (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect())
            .unwrap_or_default();
        let current = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
        let Some(index) = current.and_then(|c| options.iter().position(|o| *o == c)) else { return };
        // In a right-to-left layout the scale runs right to left: ArrowLeft goes up.
        let forward = if locale.is_rtl() { "ArrowLeft" } else { "ArrowRight" };
        let backward = if locale.is_rtl() { "ArrowRight" } else { "ArrowLeft" };
        let last = options.len() - 1;
        let key = event.key();
        let to = match key.as_str() {
            k if k == forward || k == "ArrowDown" => (index + 1) % options.len(),
            k if k == backward || k == "ArrowUp" => (index + last) % options.len(),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        event.prevent_default();
        let _ = options[to].focus();
    };

    let options = CsatScore::ALL
        .into_iter()
        .map(|score| (score, labels.label(score)))
        .enumerate()
        .map(|(index, (score, label))| {
            let checked = move || selected.get() == Some(score);
            let choose = move |_| {
                if !read_only.get_untracked() {
                    on_choose.run(score);
                }
            };
            view! {
                <button type="button" role="radio" class="carebox-rating__option" data-score=score.get()
                    aria-checked=move || checked().to_string() aria-label=label
                    aria-disabled=move || read_only.get().then_some("true")
                    tabindex=move || if tab_stop() == index { "0" } else { "-1" }
                    on:click=choose>
                    <span aria-hidden="true">{score.get()}</span>
                </button>
            }
        })
        .collect_view();

    view! {
        <div class="carebox-rating" role="radiogroup" aria-labelledby=labelled_by node_ref=group on:keydown=on_keydown
            aria-readonly=move || read_only.get().then_some("true")>
            <div class="carebox-rating__options">{options}</div>
            <div class="carebox-rating__ends" aria-hidden="true">
                <span>{labels.very_dissatisfied}</span>
                <span>{labels.very_satisfied}</span>
            </div>
        </div>
    }
}

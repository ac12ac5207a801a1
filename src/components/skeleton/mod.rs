//! Placeholder shapes while data loads, so the panel is never blank.

use leptos::prelude::*;

use crate::i18n::texts;

#[component]
pub fn Skeleton(
    /// How many placeholder rows to draw.
    #[prop(optional)]
    rows: Option<usize>,
) -> impl IntoView {
    let text = texts();
    let rows = (0..rows.unwrap_or(4)).map(|_| view! { <div class="carebox-skeleton__row"></div> }).collect_view();
    view! {
        <div class="carebox-skeleton" aria-busy="true">
            <span class="carebox-visually-hidden" role="status">{text.loading}</span>
            <div class="carebox-skeleton__line"></div>
            {rows}
        </div>
    }
}

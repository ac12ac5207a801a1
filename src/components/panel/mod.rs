//! The panel: a labelled dialog that opens above the launcher, keeps keyboard focus inside
//! while open, and closes on Escape or its close button.

use leptos::{ev::KeyboardEvent, html, prelude::*};
use wasm_bindgen::JsCast;

use crate::{i18n::texts, panel_state::PanelState};

const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

#[component]
pub fn Panel(
    /// Heading of the panel (the merchant's name once known).
    #[prop(into)]
    title: Signal<String>,
    /// Shows a "Back" button that runs `on_back`.
    #[prop(into, optional)]
    can_go_back: Signal<bool>,
    #[prop(into, optional)] on_back: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let panel = expect_context::<PanelState>();
    let text = texts();
    let open = panel.open_signal();
    // In-page mode: a region of the page, not a dialog; it neither takes focus nor traps it.
    let in_page = panel.is_in_page();
    let dialog = NodeRef::<html::Section>::new();

    // Focus moves into the panel each time it opens, so keyboard and screen-reader users land in it.
    Effect::new(move || {
        if open.get()
            && !in_page
            && let Some(element) = dialog.get()
        {
            request_animation_frame(move || {
                let _ = element.focus();
            });
        }
    });

    let on_keydown = {
        let panel = panel.clone();
        move |event: KeyboardEvent| match event.key().as_str() {
            _ if in_page => {}
            "Escape" => {
                event.prevent_default();
                panel.set_open(false);
            }
            "Tab" => {
                if let Some(element) = dialog.get_untracked() {
                    keep_focus_inside(&event, &element);
                }
            }
            _ => {}
        }
    };

    view! {
        <section class="carebox-panel" part="panel" role=if in_page { "region" } else { "dialog" }
            aria-modal=(!in_page).then_some("true") aria-labelledby="carebox-panel-title" tabindex="-1"
            hidden=move || !open.get() node_ref=dialog on:keydown=on_keydown>
            <div class="carebox-panel__header" part="header">
                <Show when=move || can_go_back.get() && on_back.is_some()>
                    <button type="button" class="carebox-panel__back" part="back-button" aria-label=text.back
                        on:click=move |_| { if let Some(back) = on_back { back.run(()) } }>
                        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                            <path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
                        </svg>
                    </button>
                </Show>
                <h2 id="carebox-panel-title" class="carebox-panel__title">{title}</h2>
                // In-page mode hides it (panel.css): there is nothing to close to.
                <button type="button" class="carebox-panel__close" part="close-button" aria-label=text.close
                    on:click=move |_| panel.set_open(false)>
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                        <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>
                    </svg>
                </button>
            </div>
            <div class="carebox-panel__body">{children()}</div>
        </section>
    }
}

/// Wraps Tab / Shift+Tab around the panel's first and last focusable elements.
fn keep_focus_inside(event: &KeyboardEvent, dialog: &web_sys::HtmlElement) {
    let Ok(nodes) = dialog.query_selector_all(FOCUSABLE) else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|element| element.offset_parent().is_some())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        event.prevent_default();
        return;
    };
    let active = active_element(dialog);
    let is = |element: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == element.unchecked_ref::<web_sys::Element>());
    let on_dialog = active.as_ref().is_some_and(|a| a == dialog.unchecked_ref::<web_sys::Element>());
    let target = if event.shift_key() && (is(first) || on_dialog) {
        Some(last)
    } else if !event.shift_key() && is(last) {
        Some(first)
    } else {
        None
    };
    if let Some(target) = target {
        event.prevent_default();
        let _ = target.focus();
    }
}

/// The focused element, looking inside the shadow root the widget lives in.
pub fn active_element(inside: &web_sys::Node) -> Option<web_sys::Element> {
    let root = inside.get_root_node();
    if let Some(shadow) = root.dyn_ref::<web_sys::ShadowRoot>() {
        shadow.active_element()
    } else {
        root.dyn_ref::<web_sys::Document>().and_then(web_sys::Document::active_element)
    }
}

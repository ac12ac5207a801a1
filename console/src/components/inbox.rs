//! The inbox: what needs an answer first. Open complaints are ordered by when their promise
//! runs out, with a countdown that moves; new ones appear without a reload (the list is asked
//! for again every 15 seconds). Counts per state sit on the filters.

use carebox_contract::{ComplaintCategory, ComplaintStatus, ComplaintView, EscalationLevel, Priority};
use leptos::prelude::*;

use crate::{api, failure_message, i18n::Texts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Open,
    Overdue,
    Answered,
    Resolved,
}

impl Filter {
    fn keeps(self, complaint: &ComplaintView, now: i64) -> bool {
        let overdue = complaint.response_due.is_some_and(|due| due.unix_ms() < now);
        match self {
            Self::Open => complaint.status == ComplaintStatus::Open,
            Self::Overdue => complaint.status == ComplaintStatus::Open && overdue,
            Self::Answered => complaint.status == ComplaintStatus::Answered,
            Self::Resolved => complaint.status == ComplaintStatus::Resolved,
        }
    }
}

/// Now, in milliseconds, moving every `every_ms` (stopped when the screen goes).
pub(crate) fn ticking(every_ms: u64) -> RwSignal<i64> {
    let now = RwSignal::new(js_sys::Date::now() as i64);
    if let Ok(handle) = set_interval_with_handle(move || now.set(js_sys::Date::now() as i64), std::time::Duration::from_millis(every_ms)) {
        on_cleanup(move || handle.clear());
    }
    now
}

/// Narrower views of a state: one level, one category, priority only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Narrowing {
    level: Option<EscalationLevel>,
    category: Option<ComplaintCategory>,
    priority_only: bool,
}

impl Narrowing {
    fn keeps(self, complaint: &ComplaintView) -> bool {
        self.level.is_none_or(|level| complaint.level == level)
            && self.category.is_none_or(|category| complaint.category == category)
            && (!self.priority_only || complaint.priority == Priority::High)
    }
}

const LEVELS: [EscalationLevel; 3] = [EscalationLevel::L1, EscalationLevel::L2, EscalationLevel::L3];

#[component]
pub fn Inbox() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let filter = RwSignal::new(Filter::Open);
    let narrowing = RwSignal::new(Narrowing::default());
    let now = ticking(30_000);
    let refresh = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(move || refresh.update(|n| *n += 1), std::time::Duration::from_secs(15)) {
        on_cleanup(move || handle.clear());
    }
    let complaints = LocalResource::new(move || {
        refresh.track();
        api::complaints()
    });
    let button = move |which: Filter, label: &'static str| {
        let count =
            move || complaints.get().and_then(|r| r.ok()).map_or(0, |list| list.iter().filter(|c| which.keeps(c, now.get())).count());
        view! {
            <button type="button" class="console-filter" aria-pressed=move || (filter.get() == which).to_string()
                on:click=move |_| filter.set(which)>
                {label}" "<span class="console-count">{count}</span>
            </button>
        }
    };
    let rows = move || {
        complaints.get().map(|result| match result {
            Err(failure) => view! { <p class="console-error" role="alert">{failure_message(text, &failure)}</p> }.into_any(),
            Ok(list) => {
                let now_ms = now.get();
                let (state, narrow) = (filter.get(), narrowing.get());
                let mut shown: Vec<ComplaintView> = list.into_iter().filter(|c| state.keeps(c, now_ms) && narrow.keeps(c)).collect();
                // The promise that runs out first comes first; those without one keep the server's newest-first order.
                shown.sort_by_key(|c| c.response_due.map_or(i64::MAX, |due| due.unix_ms()));
                if shown.is_empty() {
                    return view! { <p class="console-empty">{text.nothing_here}</p> }.into_any();
                }
                view! {
                    <ul class="console-inbox" aria-label=text.inbox>
                        {shown.into_iter().map(|c| row(text, c, now_ms)).collect_view()}
                    </ul>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="console-section">
            <h1>{text.inbox}</h1>
            <div class="console-filters" role="group" aria-label=text.inbox>
                {button(Filter::Open, text.filter_open)}
                {button(Filter::Overdue, text.filter_overdue)}
                {button(Filter::Answered, text.filter_answered)}
                {button(Filter::Resolved, text.filter_resolved)}
            </div>
            <div class="console-narrow">
                <label for="console-level">{text.level_filter}</label>
                <select id="console-level" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    narrowing.update(|n| n.level = LEVELS.into_iter().find(|l| l.as_str() == chosen));
                }>
                    <option value="">{text.all}</option>
                    {LEVELS.map(|level| view! { <option value=level.as_str()>{text.level(level)}</option> }).collect_view()}
                </select>
                <label for="console-category">{text.category_filter}</label>
                <select id="console-category" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    narrowing.update(|n| n.category = ComplaintCategory::ALL.into_iter().find(|c| format!("{c:?}") == chosen));
                }>
                    <option value="">{text.all}</option>
                    {ComplaintCategory::ALL.map(|c| view! { <option value=format!("{c:?}")>{text.category(c)}</option> }).collect_view()}
                </select>
                <label class="console-check">
                    <input type="checkbox" on:change=move |ev| narrowing.update(|n| n.priority_only = event_target_checked(&ev))/>
                    {text.priority_only}
                </label>
            </div>
            <Transition fallback=move || view! { <p>{text.loading}</p> }>{rows}</Transition>
        </section>
    }
}

fn row(text: &'static Texts, complaint: ComplaintView, now: i64) -> impl IntoView {
    let (promise, overdue) = match complaint.response_due {
        Some(due) if due.unix_ms() < now => (format!("{} {}", text.overdue_by, text.duration(now - due.unix_ms())), true),
        Some(due) => (format!("{} {}", text.due_in, text.duration(due.unix_ms() - now)), false),
        None => (text.no_promise.to_owned(), false),
    };
    let href = format!("#/ticket/{}", complaint.ticket);
    view! {
        <li class="console-row" data-ticket=complaint.ticket.clone() data-overdue=overdue.to_string()>
            <a href=href class="console-row__ticket">{complaint.ticket.clone()}</a>
            <span class="console-row__what">{text.category(complaint.category)}" · "{complaint.order_number.to_string()}</span>
            <span class="console-row__level">{text.level(complaint.level)}</span>
            {(complaint.priority == Priority::High).then(|| view! { <span class="console-badge">{text.vip}</span> })}
            <span class="console-row__promise">{promise}</span>
        </li>
    }
}

//! The inbox: what needs an answer first. The server orders open complaints by when their
//! promise runs out and hands them over a page at a time (10,000 open complaints cost the
//! browser one page); countdowns move; the list and the counts on the filters are asked for
//! again every 15 seconds, so new complaints appear without a reload.

use carebox_contract::{ComplaintCategory, ComplaintCounts, ComplaintView, EscalationLevel, Priority};
use leptos::prelude::*;

use crate::{api, failure_message, i18n::Texts};

/// Complaints per page ("Show more" adds one).
const PAGE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    Open,
    Overdue,
    Answered,
    Resolved,
}

impl Filter {
    /// The list's query: open ones by promise, settled ones newest first.
    fn query(self) -> &'static str {
        match self {
            Self::Open => "status=open&sort=due",
            Self::Overdue => "breached=true&sort=due",
            Self::Answered => "status=answered&sort=newest",
            Self::Resolved => "status=resolved&sort=newest",
        }
    }

    fn count(self, counts: &ComplaintCounts) -> u64 {
        match self {
            Self::Open => counts.open,
            Self::Overdue => counts.overdue,
            Self::Answered => counts.answered,
            Self::Resolved => counts.resolved,
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

/// Narrower views of a state: one level, one category, VIPs only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Narrowing {
    level: Option<EscalationLevel>,
    category: Option<ComplaintCategory>,
    vip_only: bool,
}

impl Narrowing {
    fn query(self) -> String {
        let mut parts = Vec::new();
        if let Some(level) = self.level {
            parts.push(format!("level={}", level.as_str()));
        }
        if let Some(category) = self.category {
            parts.push(format!("category={}", category.as_str()));
        }
        if self.vip_only {
            parts.push("vip=true".to_owned());
        }
        parts.join("&")
    }
}

const LEVELS: [EscalationLevel; 3] = [EscalationLevel::L1, EscalationLevel::L2, EscalationLevel::L3];

#[component]
pub fn Inbox() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let filter = RwSignal::new(Filter::Open);
    let narrowing = RwSignal::new(Narrowing::default());
    let pages = RwSignal::new(1u32);
    let now = ticking(30_000);
    let refresh = RwSignal::new(0u32);
    if let Ok(handle) = set_interval_with_handle(move || refresh.update(|n| *n += 1), std::time::Duration::from_secs(15)) {
        on_cleanup(move || handle.clear());
    }
    let complaints = LocalResource::new(move || {
        refresh.track();
        let query = format!("{}&{}", filter.get().query(), narrowing.get().query());
        let pages = pages.get();
        async move {
            let asked = query.clone();
            // The pages shown so far, asked for again (a refresh keeps what was shown).
            let mut all = Vec::new();
            for page in 0..pages {
                let next = api::complaints(&query, PAGE, page * PAGE).await?;
                let last = next.len() < PAGE as usize;
                all.extend(next);
                if last {
                    break;
                }
            }
            Ok::<_, api::Failure>((asked, all))
        }
    });
    let counts = LocalResource::new(move || {
        refresh.track();
        let query = narrowing.get().query();
        async move { api::complaint_counts(&query).await }
    });
    let choose = move |which: Filter| {
        filter.set(which);
        pages.set(1);
    };
    let button = move |which: Filter, label: &'static str| {
        let count = move || counts.try_get().flatten().and_then(|r| r.ok()).map(|c| which.count(&c).to_string()).unwrap_or_default();
        view! {
            <button type="button" class="console-filter" aria-pressed=move || filter.try_get().is_some_and(|f| f == which).to_string()
                on:click=move |_| choose(which)>
                {label}" "<span class="console-count">{count}</span>
            </button>
        }
    };
    // Read as plain signals, not under a <Transition>: staff leave the inbox while its list is
    // still on its way (a click on another page right after signing in), and a suspense
    // boundary resuming after its owner was disposed stops the console (leptos 0.8). For the
    // same reason every read here is a `try_`: a view's first drawing is queued, and can run
    // after the inbox was left (what it draws then is thrown away).
    let rows = move || {
        let Some(result) = complaints.try_get().flatten() else {
            return view! { <p>{text.loading}</p> }.into_any();
        };
        match result {
            Err(failure) => view! { <p class="console-error" role="alert">{failure_message(text, &failure)}</p> }.into_any(),
            Ok((_, list)) if list.is_empty() => view! { <p class="console-empty">{text.nothing_here}</p> }.into_any(),
            Ok((query, list)) => {
                let now_ms = now.try_get().unwrap_or_else(|| js_sys::Date::now() as i64);
                let total = counts.try_get().flatten().and_then(|r| r.ok()).zip(filter.try_get()).map(|(c, filter)| filter.count(&c));
                let shown = list.len() as u64;
                let more = total.is_some_and(|total| total > shown);
                view! {
                    // What it shows, for tests and benchmarks to wait on.
                    <ul class="console-inbox" aria-label=text.inbox data-query=query>
                        {list.into_iter().map(|c| row(text, c, now_ms)).collect_view()}
                    </ul>
                    {total.map(|total| view! { <p class="console-meta" role="status">{format!("{shown} {} {total}", text.shown_of)}</p> })}
                    {more.then(|| view! {
                        <button type="button" class="console-button console-button--quiet" on:click=move |_| pages.update(|p| *p += 1)>{text.show_more}</button>
                    })}
                }
                .into_any()
            }
        }
    };
    let narrow = move |change: &dyn Fn(&mut Narrowing)| {
        narrowing.update(|n| change(n));
        pages.set(1);
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
                    narrow(&|n| n.level = LEVELS.into_iter().find(|l| l.as_str() == chosen));
                }>
                    <option value="">{text.all}</option>
                    {LEVELS.map(|level| view! { <option value=level.as_str()>{text.level(level)}</option> }).collect_view()}
                </select>
                <label for="console-category">{text.category_filter}</label>
                <select id="console-category" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    narrow(&|n| n.category = ComplaintCategory::ALL.into_iter().find(|c| c.as_str() == chosen));
                }>
                    <option value="">{text.all}</option>
                    {ComplaintCategory::ALL.map(|c| view! { <option value=c.as_str()>{text.category(c)}</option> }).collect_view()}
                </select>
                <label class="console-check">
                    <input type="checkbox" on:change=move |ev| { let on = event_target_checked(&ev); narrow(&|n| n.vip_only = on) }/>
                    {text.priority_only}
                </label>
            </div>
            {rows}
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

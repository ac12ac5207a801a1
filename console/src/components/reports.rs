//! Reports: how shoppers rate the service (CSAT per day with the daily average, the score
//! distribution, their comments) and how support keeps its promises (first-answer median and
//! p90, promises broken per day, escalations per level by cause). Every chart has a table view
//! and a CSV download.

use carebox_contract::{CalendarDate, CsatFigures, CsatMetrics, CsatSubject, MerchantCsatAnswer, SupportReport, Timestamp};
use leptos::prelude::*;

use crate::{
    api,
    charts::{BarChart, Line, ReportCard, Series, Table},
    failure_message,
    i18n::Texts,
};

const RANGES: [u32; 3] = [7, 30, 90];

/// The last `days` days up to today (UTC, as the server counts them).
fn range_of(days: u32) -> (CalendarDate, CalendarDate) {
    let today = Timestamp::from_unix_ms(js_sys::Date::now() as i64).utc_date();
    (CalendarDate::from_days_since_epoch(today.days_since_epoch() - i64::from(days) + 1), today)
}

fn average(figures: &CsatFigures) -> Option<f64> {
    let total: u64 = figures.distribution.iter().sum();
    (total > 0).then(|| figures.distribution.iter().zip(1u64..).map(|(n, score)| n * score).sum::<u64>() as f64 / total as f64)
}

fn one_decimal(value: Option<f64>, text: &Texts) -> String {
    value.map_or_else(|| text.no_figure.to_owned(), |v| format!("{v:.1}"))
}

fn minutes(value: Option<u64>, text: &Texts) -> String {
    value.map_or_else(|| text.no_figure.to_owned(), |m| text.duration(i64::try_from(m).unwrap_or(i64::MAX / 60_000) * 60_000))
}

/// `11-25` under a bar: the year and month are in the period's heading.
fn short(date: CalendarDate) -> String {
    date.to_string().get(5..).unwrap_or_default().to_owned()
}

#[component]
pub fn Reports() -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let days = RwSignal::new(30u32);
    let figures = LocalResource::new(move || {
        let (from, to) = range_of(days.get());
        async move {
            // Three requests in flight at once, not one after the other.
            let (csat, support, answers) =
                futures::join!(api::csat_metrics(from, to), api::support_report(from, to), api::csat_answers(from, to));
            Ok::<_, api::Failure>((csat?, support?, answers?))
        }
    });
    view! {
        <section class="console-section">
            <h1>{text.reports}</h1>
            <div class="console-narrow">
                <label for="console-range">{text.range}</label>
                <select id="console-range" on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() { days.set(n) }
                }>
                    {RANGES.map(|n| {
                        let label = match n { 7 => text.last_7, 30 => text.last_30, _ => text.last_90 };
                        view! { <option value=n.to_string() selected=n == 30>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            // Plain signal reads, not a <Transition>: see the inbox (leaving while loading).
            {move || match figures.get() {
                None => view! { <p>{text.loading}</p> }.into_any(),
                Some(result) => match result {
                    Err(failure) => view! { <p class="console-error" role="alert">{failure_message(text, &failure)}</p> }.into_any(),
                    Ok((csat, support, answers)) => view! {
                        <Tiles csat=csat.clone() support=support.clone()/>
                        {csat_over_time(text, &csat)}
                        {distribution(text, &csat)}
                        {promises(text, &support)}
                        {escalations(text, &support)}
                        {first_response(text, &support)}
                        <Comments answers=answers/>
                    }.into_any(),
                },
            }}
        </section>
    }
}

#[component]
fn Tiles(csat: CsatMetrics, support: SupportReport) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let percent = csat.overall.csat_percent.map_or_else(|| text.no_figure.to_owned(), |p| format!("{p:.1} %"));
    let tiles = [
        (text.csat_percent, percent, "csat"),
        (text.answers, csat.overall.count.to_string(), "answers"),
        (text.average_score, one_decimal(average(&csat.overall), text), "average"),
        (text.first_response_median, minutes(support.first_response.median_minutes, text), "median"),
        (text.first_response_p90, minutes(support.first_response.p90_minutes, text), "p90"),
        (text.unanswered, support.first_response.unanswered.to_string(), "unanswered"),
    ];
    view! {
        <dl class="console-tiles">
            {tiles.into_iter().map(|(label, value, key)| view! {
                <div class="console-tile" data-figure=key><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
    }
}

fn csat_over_time(text: &'static Texts, csat: &CsatMetrics) -> impl IntoView {
    let labels = csat.daily.iter().map(|d| short(d.date)).collect();
    let counts: Vec<f64> = csat.daily.iter().map(|d| d.figures.count as f64).collect();
    let averages: Vec<Option<f64>> = csat.daily.iter().map(|d| average(&d.figures)).collect();
    let table = Table {
        headers: vec![text.date.into(), text.answers.into(), text.average.into(), text.csat_percent.into()],
        rows: csat
            .daily
            .iter()
            .map(|d| {
                let percent = d.figures.csat_percent.map_or_else(|| text.no_figure.to_owned(), |p| format!("{p:.1}"));
                vec![d.date.to_string(), d.figures.count.to_string(), one_decimal(average(&d.figures), text), percent]
            })
            .collect(),
    };
    let summary = format!("{}: {} {}", text.csat_over_time, csat.overall.count, text.summary_csat);
    view! {
        <ReportCard title=text.csat_over_time file="csat-daily.csv" table=table>
            <BarChart summary=summary labels=labels
                series=vec![Series { name: text.answers, class: "console-chart__series--1", values: counts }]
                line=Line { name: text.average, values: averages, min: 1.0, max: 5.0 }/>
        </ReportCard>
    }
}

fn distribution(text: &'static Texts, csat: &CsatMetrics) -> impl IntoView {
    let total: u64 = csat.overall.distribution.iter().sum();
    let share = |n: u64| if total == 0 { text.no_figure.to_owned() } else { format!("{:.1} %", n as f64 * 100.0 / total as f64) };
    let table = Table {
        headers: vec![text.score.into(), text.answers.into(), text.share.into()],
        rows: csat.overall.distribution.iter().zip(1..).map(|(n, score)| vec![score.to_string(), n.to_string(), share(*n)]).collect(),
    };
    let summary = format!("{}: {total} {}", text.score_distribution, text.summary_distribution);
    let series = vec![Series {
        name: text.answers,
        class: "console-chart__series--1",
        values: csat.overall.distribution.iter().map(|n| *n as f64).collect(),
    }];
    view! {
        <ReportCard title=text.score_distribution file="csat-scores.csv" table=table>
            <BarChart summary=summary labels=(1..=5).map(|s: u8| s.to_string()).collect() series=series/>
        </ReportCard>
    }
}

fn promises(text: &'static Texts, support: &SupportReport) -> impl IntoView {
    let broken: Vec<f64> = support.daily.iter().map(|d| d.promises_broken as f64).collect();
    let table = Table {
        headers: vec![text.date.into(), text.filed.into(), text.promises_broken.into(), text.to_l2.into(), text.to_l3.into()],
        rows: support
            .daily
            .iter()
            .map(|d| {
                [d.filed, d.promises_broken, d.escalated_to_l2, d.escalated_to_l3].iter().fold(vec![d.date.to_string()], |mut row, n| {
                    row.push(n.to_string());
                    row
                })
            })
            .collect(),
    };
    let total: u64 = support.daily.iter().map(|d| d.promises_broken).sum();
    let summary = format!("{}: {total} {}", text.promises_per_day, text.summary_promises);
    let labels: Vec<String> = support.daily.iter().map(|d| short(d.date)).collect();
    view! {
        <ReportCard title=text.promises_per_day file="promises-broken.csv" table=table>
            <BarChart summary=summary labels=labels
                series=vec![Series { name: text.promises_broken, class: "console-chart__series--3", values: broken }]/>
        </ReportCard>
    }
}

fn escalations(text: &'static Texts, support: &SupportReport) -> impl IntoView {
    let levels = &support.escalations;
    let table = Table {
        headers: vec![text.level.into(), text.by_clock.into(), text.by_shopper.into(), text.by_staff.into()],
        rows: levels
            .iter()
            .map(|l| vec![text.level(l.level).to_owned(), l.promise_broken.to_string(), l.shopper.to_string(), l.staff.to_string()])
            .collect(),
    };
    let total: u64 = levels.iter().map(|l| l.promise_broken + l.shopper + l.staff).sum();
    let summary = format!("{}: {total} {}", text.escalations_by_level, text.summary_escalations);
    let series = vec![
        Series { name: text.by_clock, class: "console-chart__series--3", values: levels.iter().map(|l| l.promise_broken as f64).collect() },
        Series { name: text.by_shopper, class: "console-chart__series--2", values: levels.iter().map(|l| l.shopper as f64).collect() },
        Series { name: text.by_staff, class: "console-chart__series--1", values: levels.iter().map(|l| l.staff as f64).collect() },
    ];
    let labels: Vec<String> = levels.iter().map(|l| text.level(l.level).to_owned()).collect();
    view! {
        <ReportCard title=text.escalations_by_level file="escalations.csv" table=table>
            <BarChart summary=summary labels=labels series=series/>
        </ReportCard>
    }
}

/// Not a chart (two numbers say it best), but it downloads like one.
fn first_response(text: &'static Texts, support: &SupportReport) -> impl IntoView {
    let times = &support.first_response;
    let figure = |m: Option<u64>| m.map_or_else(|| text.no_figure.to_owned(), |m| m.to_string());
    let table = Table {
        headers: vec![text.figure.into(), text.value.into()],
        rows: vec![
            vec![format!("{} (min)", text.first_response_median), figure(times.median_minutes)],
            vec![format!("{} (min)", text.first_response_p90), figure(times.p90_minutes)],
            vec![text.answers.into(), times.answered.to_string()],
            vec![text.unanswered.into(), times.unanswered.to_string()],
        ],
    };
    let said = format!(
        "{}: {} · {}: {}",
        text.first_response_median,
        minutes(times.median_minutes, text),
        text.first_response_p90,
        minutes(times.p90_minutes, text)
    );
    view! {
        <ReportCard title=text.first_response file="first-response.csv" table=table>
            <p class="console-meta">{said}</p>
        </ReportCard>
    }
}

#[component]
fn Comments(answers: Vec<MerchantCsatAnswer>) -> impl IntoView {
    let text = expect_context::<&'static Texts>();
    let score = RwSignal::new(None::<u8>);
    let only_commented = RwSignal::new(true);
    let search = RwSignal::new(String::new());
    let answers = StoredValue::new(answers);
    let shown = move || {
        let needle = search.get().trim().to_lowercase();
        answers.with_value(|all| {
            all.iter()
                .filter(|a| score.get().is_none_or(|s| a.score.get() == s))
                .filter(|a| !only_commented.get() || a.comment.is_some())
                .filter(|a| needle.is_empty() || a.comment.as_deref().unwrap_or_default().to_lowercase().contains(&needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let csv = move || Table {
        headers: vec![text.answered_at.into(), text.score.into(), text.subject.into(), text.email.into(), text.comments.into()],
        rows: shown()
            .iter()
            .map(|a| {
                vec![
                    a.answered_at.to_rfc3339(),
                    a.score.get().to_string(),
                    a.subject.to_string(),
                    a.shopper_email.clone().unwrap_or_default(),
                    a.comment.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    view! {
        <section class="console-report" aria-labelledby="report-comments" data-report="comments">
            <div class="console-report__head">
                <h2 id="report-comments">{text.comments}</h2>
                <button type="button" class="console-button console-button--quiet"
                    on:click=move |_| crate::charts::download("csat-comments.csv", &csv().csv())>{text.download_csv}</button>
            </div>
            <div class="console-narrow">
                <label for="console-comment-score">{text.score}</label>
                <select id="console-comment-score" on:change=move |ev| score.set(event_target_value(&ev).parse().ok())>
                    <option value="">{text.all}</option>
                    {(1..=5u8).map(|s| view! { <option value=s.to_string()>{s.to_string()}</option> }).collect_view()}
                </select>
                <label class="console-check">
                    <input type="checkbox" checked=true on:change=move |ev| only_commented.set(event_target_checked(&ev))/>
                    {text.only_commented}
                </label>
                <label for="console-comment-search">{text.search}</label>
                <input id="console-comment-search" type="search" class="console-search" on:input=move |ev| search.set(event_target_value(&ev))/>
            </div>
            {move || {
                let list = shown();
                if list.is_empty() {
                    return view! { <p class="console-empty">{text.nothing_here}</p> }.into_any();
                }
                view! {
                    <ul class="console-comments">
                        {list.into_iter().map(|a| {
                            let subject = match &a.subject {
                                CsatSubject::Complaint(ticket) => view! { <a href=format!("#/ticket/{ticket}")>{ticket.clone()}</a> }.into_any(),
                                other => view! { <span>{other.to_string()}</span> }.into_any(),
                            };
                            view! {
                                <li class="console-comment" data-score=a.score.get().to_string()>
                                    <span class="console-comment__score">{format!("{} {}/5", text.score, a.score.get())}</span>
                                    " · "{subject}" · "<span class="console-meta">{text.when(a.answered_at)}</span>
                                    {a.comment.clone().map(|c| view! { <p class="console-comment__text">{c}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

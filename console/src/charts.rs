//! Small, accessible SVG charts drawn from Rust (no chart library): stacked bars with an
//! optional line on its own scale. Each chart is one `role="img"` with a summary in words;
//! the full figures are the card's table view and its CSV (see `ReportCard`).
//! Colours come from classes in console.css (the CSP allows no inline styles).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// One stacked part of every bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: &'static str,
    /// `console-chart__series--1` … `--3` in console.css.
    pub class: &'static str,
    pub values: Vec<f64>,
}

/// A line over the bars, on its own scale shown on the right (e.g. an average score 1–5).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: &'static str,
    pub values: Vec<Option<f64>>,
    pub min: f64,
    pub max: f64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 36.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The smallest "round" number at or above `value` (1, 2, 4 × 10ⁿ), at least 2: counts are
/// whole, so the middle grid line must be a whole number too.
fn round_up(value: f64) -> f64 {
    if value <= 2.0 {
        return 2.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 4.0, 10.0].into_iter().map(|step| step * magnitude).find(|v| *v >= value).unwrap_or(value)
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

#[component]
pub fn BarChart(
    /// What the chart shows, in words, for screen readers.
    #[prop(into)]
    summary: String,
    labels: Vec<String>,
    series: Vec<Series>,
    #[prop(optional)] line: Option<Line>,
) -> impl IntoView {
    let count = labels.len().max(1);
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / count as f64;
    let totals: Vec<f64> = (0..count).map(|i| series.iter().map(|s| s.values.get(i).copied().unwrap_or(0.0)).sum()).collect();
    let top = round_up(totals.iter().copied().fold(0.0, f64::max));
    let y = move |value: f64| TOP + plot_height - value / top * plot_height;
    // About six labels along the bottom, whatever the number of bars.
    let every = count.div_ceil(6).max(1);

    let grid = [0.0, top / 2.0, top]
        .map(|tick| {
            view! {
                <line class="console-chart__grid" x1=LEFT x2=WIDTH - RIGHT y1=y(tick) y2=y(tick)/>
                <text class="console-chart__tick" x=LEFT - 6.0 y=y(tick) + 4.0 text-anchor="end">{number(tick)}</text>
            }
        })
        .collect_view();
    let mut bars = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let mut base = 0.0;
        for part in &series {
            let value = part.values.get(i).copied().unwrap_or(0.0);
            if value > 0.0 {
                let (from, to) = (y(base), y(base + value));
                bars.push(view! {
                    <rect class=format!("console-chart__bar {}", part.class) x=LEFT + slot * i as f64 + slot * 0.15 width=slot * 0.7
                        y=to height=from - to>
                        <title>{format!("{label}: {} {}", part.name, number(value))}</title>
                    </rect>
                });
            }
            base += value;
        }
    }
    let names = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, label)| {
            view! {
                <text class="console-chart__label" x=LEFT + slot * (i as f64 + 0.5) y=HEIGHT - 8.0 text-anchor="middle">{label.clone()}</text>
            }
        })
        .collect_view();
    let overlay = line.clone().map(|line| {
        let span = (line.max - line.min).max(f64::EPSILON);
        let line_y = move |value: f64| TOP + plot_height - (value - line.min) / span * plot_height;
        let points: Vec<String> = line
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", LEFT + slot * (i as f64 + 0.5), line_y(v))))
            .collect();
        let dots = line
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                v.map(|v| {
                    let label = labels.get(i).cloned().unwrap_or_default();
                    view! {
                        <circle class="console-chart__dot" cx=LEFT + slot * (i as f64 + 0.5) cy=line_y(v) r="3.5">
                            <title>{format!("{label}: {} {}", line.name, number(v))}</title>
                        </circle>
                    }
                })
            })
            .collect_view();
        view! {
            <polyline class="console-chart__line" points=points.join(" ")/>
            {dots}
            <text class="console-chart__tick" x=WIDTH - RIGHT + 6.0 y=line_y(line.max) + 4.0>{number(line.max)}</text>
            <text class="console-chart__tick" x=WIDTH - RIGHT + 6.0 y=line_y(line.min) + 4.0>{number(line.min)}</text>
        }
    });
    let legend = (series.len() > 1 || line.is_some()).then(|| {
        let swatches = series
            .iter()
            .map(|s| view! { <li><span class=format!("console-chart__swatch {}", s.class)></span>{s.name}</li> })
            .collect_view();
        let line_name =
            line.as_ref().map(|l| view! { <li><span class="console-chart__swatch console-chart__swatch--line"></span>{l.name}</li> });
        view! { <ul class="console-chart__legend" aria-hidden="true">{swatches}{line_name}</ul> }
    });
    view! {
        <svg class="console-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary>
            {grid}
            {bars}
            {overlay}
            {names}
        </svg>
        {legend}
    }
}

/// A chart's figures as rows, for the table view and the CSV file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// RFC 4180: every field quoted, quotes doubled, CRLF line ends. A field that a spreadsheet
    /// would run as a formula (`=`, `+`, `-`, `@` first) gets a leading apostrophe: comments
    /// are written by strangers.
    pub fn csv(&self) -> String {
        let field = |raw: &str| {
            let guarded = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) && raw.parse::<f64>().is_err() {
                format!("'{raw}")
            } else {
                raw.to_owned()
            };
            format!("\"{}\"", guarded.replace('"', "\"\""))
        };
        std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|row| row.iter().map(|cell| field(cell)).collect::<Vec<_>>().join(","))
            .map(|line| line + "\r\n")
            .collect()
    }
}

/// Saves `contents` as a file named `name` (a blob URL: nothing leaves the browser).
pub fn download(name: &str, contents: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(&format!("\u{feff}{contents}")));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(link) = document().create_element("a").map(|a| a.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// A report: its heading, the chart (or its table, at the press of a button) and a CSV download.
#[component]
pub fn ReportCard(
    #[prop(into)] title: String,
    /// The CSV file's name, e.g. `csat-daily.csv`.
    file: &'static str,
    table: Table,
    children: Children,
) -> impl IntoView {
    let text = expect_context::<&'static crate::i18n::Texts>();
    let as_table = RwSignal::new(false);
    let id = format!("report-{}", file.trim_end_matches(".csv"));
    let csv = table.csv();
    let chart = children();
    let head = table.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view();
    let body = table
        .rows
        .iter()
        .map(|row| {
            let mut cells = row.iter();
            let first = cells.next().cloned().unwrap_or_default();
            view! { <tr><th scope="row">{first}</th>{cells.map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> }
        })
        .collect_view();
    view! {
        <section class="console-report" aria-labelledby=id.clone() data-report=file.trim_end_matches(".csv")>
            <div class="console-report__head">
                <h2 id=id.clone()>{title.clone()}</h2>
                <button type="button" class="console-button console-button--quiet" aria-pressed=move || as_table.get().to_string()
                    on:click=move |_| as_table.update(|t| *t = !*t)>{text.show_table}</button>
                <button type="button" class="console-button console-button--quiet" on:click=move |_| download(file, &csv)>{text.download_csv}</button>
            </div>
            <div class="console-report__chart" hidden=move || as_table.get()>{chart}</div>
            <div class="console-report__table" hidden=move || !as_table.get()>
                <table>
                    <caption class="console-visually-hidden">{title}</caption>
                    <thead><tr>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </section>
    }
}

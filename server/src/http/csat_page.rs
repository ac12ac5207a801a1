//! The page a one-click e-mail link opens. Opening it (GET, HEAD) records nothing: mail
//! scanners open every link of a message, and would vote for the shopper. The page sends the
//! choice itself, as a POST, with one line of script (a button does it where scripts are
//! off); the answer then gets a tiny thank-you page in the shopper's language with a comment
//! box. Tampered or expired links get a polite page instead of an error. No cookies, nothing
//! from elsewhere.

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use carebox_contract::{CsatComment, CsatScore, Locale, PublishableKey, SatisfactionLabels};
use serde::Deserialize;

use super::AppState;
use super::csat::subject_of_merchant;
use crate::domain::csat::{self, LinkRefused, OneClick};
use crate::storage::{Answered, MerchantRecord};

#[derive(Debug, Deserialize)]
pub struct LinkQuery {
    key: Option<String>,
    t: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    key: Option<String>,
    t: Option<String>,
    comment: Option<String>,
}

/// `GET /csat/r?key=pk_…&t=<signed link>`: the choice, sent on by the page itself.
pub async fn open_link(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<LinkQuery>) -> Response {
    let fallback = browser_locale(&headers);
    let (merchant, click) = match verified(&state, query.key.as_deref(), query.t.as_deref()).await {
        Ok(found) => found,
        Err(refused) => return refused_page(refused, fallback),
    };
    let locale = click.lang.unwrap_or(fallback);
    let words = text(locale);
    let send = SendChoice { key: query.key.as_deref().unwrap_or(""), link: query.t.as_deref().unwrap_or(""), button: words.record };
    let message = (words.confirm)(click.score.get(), words.label(click.score));
    page_with(StatusCode::OK, locale, &merchant.name, &message, Part::SendChoice(send))
}

/// `POST /csat/r` (a form): the link's score (what the landing page sends), or with `comment`,
/// the comment after it.
pub async fn post_form(state: State<AppState>, headers: HeaderMap, Form(form): Form<CommentForm>) -> Response {
    if form.comment.is_some() { post_comment(state, headers, form).await } else { record_choice(state, headers, form).await }
}

/// Records the link's score: the landing page's POST.
async fn record_choice(State(state): State<AppState>, headers: HeaderMap, form: CommentForm) -> Response {
    let fallback = browser_locale(&headers);
    let (merchant, click) = match verified(&state, form.key.as_deref(), form.t.as_deref()).await {
        Ok(found) => found,
        Err(refused) => return refused_page(refused, fallback),
    };
    let locale = click.lang.unwrap_or(fallback);
    let Ok(rated) = subject_of_merchant(&state, &merchant, click.subject.clone()).await else {
        return refused_page(LinkRefused::Invalid, locale);
    };
    if merchant.require(carebox_contract::Feature::Csat).is_err() {
        return page(StatusCode::FORBIDDEN, locale, &merchant.name, text(locale).switched_off, None);
    }
    if rated.check_ratable().is_err() {
        return page(StatusCode::CONFLICT, locale, &merchant.name, text(locale).not_yet, None);
    }
    let now = state.clock.now();
    let answer = rated.new_answer(&merchant.id, click.score, None, "email");
    let form = CommentBox { key: form.key.as_deref().unwrap_or(""), link: form.t.as_deref().unwrap_or(""), typed: "", error: None };
    match state.store.answer_csat(answer, &merchant.settings.csat, now).await {
        Ok(Answered::Created(stored) | Answered::Changed(stored)) => {
            tracing::info!(merchant = %merchant.id, score = stored.score.get(), "csat answered by e-mail link");
            let words = text(locale);
            let body = format!("{} {}", words.thanks, (words.recorded)(stored.score.get(), words.label(stored.score)));
            page(StatusCode::OK, locale, &merchant.name, &body, Some(form))
        }
        Ok(Answered::Locked(stored)) => {
            let words = text(locale);
            let body = (words.locked)(stored.score.get(), words.label(stored.score));
            page(StatusCode::OK, locale, &merchant.name, &body, None)
        }
        Err(error) => {
            tracing::error!(%error, "csat link could not be recorded");
            page(StatusCode::SERVICE_UNAVAILABLE, locale, &merchant.name, text(locale).failed, None)
        }
    }
}

/// The comment after the score, within the edit window.
async fn post_comment(State(state): State<AppState>, headers: HeaderMap, form: CommentForm) -> Response {
    let fallback = browser_locale(&headers);
    let (merchant, click) = match verified(&state, form.key.as_deref(), form.t.as_deref()).await {
        Ok(found) => found,
        Err(refused) => return refused_page(refused, fallback),
    };
    let locale = click.lang.unwrap_or(fallback);
    let typed = form.comment.as_deref().unwrap_or("");
    let comment_box =
        |error| CommentBox { key: form.key.as_deref().unwrap_or(""), link: form.t.as_deref().unwrap_or(""), typed, error: Some(error) };
    let comment = match CsatComment::parse(typed) {
        Ok(comment) => comment,
        // The typed text comes back in the box, with what to do.
        Err(_) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                locale,
                &merchant.name,
                text(locale).thanks,
                Some(comment_box(text(locale).too_long)),
            );
        }
    };
    let Ok(rated) = subject_of_merchant(&state, &merchant, click.subject.clone()).await else {
        return refused_page(LinkRefused::Invalid, locale);
    };
    let now = state.clock.now();
    // The comment joins whatever score stands now (another link may have changed it).
    let score = match state.store.stored_csat(&merchant.id, &rated.key).await {
        Ok(Some(stored)) => stored.score,
        Ok(None) => click.score,
        Err(error) => {
            tracing::error!(%error, "csat comment could not be read");
            return page(
                StatusCode::SERVICE_UNAVAILABLE,
                locale,
                &merchant.name,
                text(locale).failed,
                Some(comment_box(text(locale).failed)),
            );
        }
    };
    match state.store.answer_csat(rated.new_answer(&merchant.id, score, Some(&comment), "email"), &merchant.settings.csat, now).await {
        Ok(Answered::Created(_) | Answered::Changed(_)) => page(StatusCode::OK, locale, &merchant.name, text(locale).comment_saved, None),
        Ok(Answered::Locked(stored)) => {
            let words = text(locale);
            page(StatusCode::CONFLICT, locale, &merchant.name, &(words.locked)(stored.score.get(), words.label(stored.score)), None)
        }
        Err(error) => {
            tracing::error!(%error, "csat comment could not be stored");
            page(StatusCode::SERVICE_UNAVAILABLE, locale, &merchant.name, text(locale).failed, Some(comment_box(text(locale).failed)))
        }
    }
}

async fn verified(
    state: &AppState,
    key: Option<&str>,
    link: Option<&str>,
) -> Result<(std::sync::Arc<MerchantRecord>, OneClick), LinkRefused> {
    let key = PublishableKey::parse(key.unwrap_or("")).map_err(|_| LinkRefused::Invalid)?;
    let merchant = match state.store.merchant_by_publishable_key(&key).await {
        Ok(Some(merchant)) if !merchant.shopper_token_secret.is_empty() => merchant,
        Ok(_) => return Err(LinkRefused::Invalid),
        Err(error) => {
            tracing::error!(%error, "merchant lookup for a csat link failed");
            return Err(LinkRefused::Invalid);
        }
    };
    let click = csat::verify_link(link.unwrap_or(""), merchant.shopper_token_secret.as_bytes(), state.clock.now())?;
    Ok((merchant, click))
}

fn browser_locale(headers: &HeaderMap) -> Locale {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    Locale::negotiate(accept.split(',').map(|part| part.split(';').next().unwrap_or("")))
}

fn refused_page(refused: LinkRefused, fallback: Locale) -> Response {
    let locale = match refused {
        LinkRefused::Expired(Some(lang)) => lang,
        _ => fallback,
    };
    let words = text(locale);
    match refused {
        LinkRefused::Expired(_) => page(StatusCode::GONE, locale, "", words.expired, None),
        LinkRefused::Invalid => page(StatusCode::BAD_REQUEST, locale, "", words.invalid, None),
    }
}

struct CommentBox<'a> {
    key: &'a str,
    link: &'a str,
    typed: &'a str,
    error: Option<&'a str>,
}

/// The landing page's form: the link's choice, sent on as a POST.
struct SendChoice<'a> {
    key: &'a str,
    link: &'a str,
    button: &'a str,
}

/// What follows the message.
enum Part<'a> {
    Nothing,
    Comment(CommentBox<'a>),
    SendChoice(SendChoice<'a>),
}

/// The one script the pages run: the landing page submits its own form. Allowed by its hash.
const SUBMIT_SCRIPT: &str = r#"document.getElementById("send").submit()"#;

fn page(status: StatusCode, locale: Locale, shop: &str, message: &str, comment: Option<CommentBox<'_>>) -> Response {
    page_with(status, locale, shop, message, comment.map_or(Part::Nothing, Part::Comment))
}

fn page_with(status: StatusCode, locale: Locale, shop: &str, message: &str, part: Part<'_>) -> Response {
    let words = text(locale);
    let dir = if locale.is_rtl() { "rtl" } else { "ltr" };
    let title = if shop.is_empty() { words.title.to_owned() } else { format!("{} · {}", words.title, escape(shop)) };
    let sends_itself = matches!(part, Part::SendChoice(_));
    let comment = match part {
        Part::Comment(comment) => Some(comment),
        Part::SendChoice(send) => {
            return finish(
                status,
                locale,
                dir,
                &title,
                message,
                &format!(
                    r#"<form id="send" method="post" action="/csat/r"><input type="hidden" name="key" value="{key}"><input type="hidden" name="t" value="{link}"><button type="submit">{button}</button></form><script>{SUBMIT_SCRIPT}</script>"#,
                    key = escape(send.key),
                    link = escape(send.link),
                    button = escape(send.button),
                ),
                sends_itself,
            );
        }
        Part::Nothing => None,
    };
    let form = comment.map_or(String::new(), |c| {
        let error = c.error.map_or(String::new(), |e| format!(r#"<p class="error" id="comment-error" role="alert">{}</p>"#, escape(e)));
        let described = if c.error.is_some() { r#" aria-describedby="comment-error" aria-invalid="true""# } else { "" };
        format!(
            r#"<form method="post" action="/csat/r"><input type="hidden" name="key" value="{key}"><input type="hidden" name="t" value="{link}">
<label for="comment">{label}</label>{error}<textarea id="comment" name="comment" rows="4" maxlength="1000"{described}>{typed}</textarea>
<button type="submit">{send}</button></form>"#,
            key = escape(c.key),
            link = escape(c.link),
            label = words.comment_label,
            typed = escape(c.typed),
            send = words.send,
        )
    });
    finish(status, locale, dir, &title, message, &form, false)
}

fn finish(status: StatusCode, locale: Locale, dir: &str, title: &str, message: &str, form: &str, sends_itself: bool) -> Response {
    let html = format!(
        r#"<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f8;color:#1f2328}}main{{background:#fff;max-width:28rem;margin:1rem;padding:1.5rem;border-radius:12px;box-shadow:0 1px 3px #0002}}h1{{font-size:1.25rem;margin:0 0 .5rem}}label{{display:block;margin-top:1rem;font-weight:600}}textarea{{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:1px solid #8c959f;border-radius:8px}}button{{margin-top:.75rem;font:inherit;padding:.5rem 1rem;border:0;border-radius:8px;background:#0f766e;color:#fff;cursor:pointer}}.error{{color:#b42318;margin:.25rem 0}}</style></head>
<body><main><h1>{title}</h1><p>{message}</p>{form}</main></body></html>"#,
        lang = locale.as_str(),
        message = escape(message),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    let script = if sends_itself { format!("; script-src 'sha256-{}'", submit_script_hash()) } else { String::new() };
    let policy =
        format!("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'{script}");
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).expect("an ASCII policy"));
    // The link carries a signed token: keep it out of referrers and caches.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Base64 of the SHA-256 of [`SUBMIT_SCRIPT`], as CSP hash sources are written.
fn submit_script_hash() -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(SUBMIT_SCRIPT.as_bytes()))
}

fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

struct PageText {
    title: &'static str,
    thanks: &'static str,
    labels: SatisfactionLabels,
    recorded: fn(u8, &str) -> String,
    locked: fn(u8, &str) -> String,
    /// The landing page: the choice, being sent.
    confirm: fn(u8, &str) -> String,
    /// Its button, for when scripts are off.
    record: &'static str,
    comment_label: &'static str,
    send: &'static str,
    comment_saved: &'static str,
    too_long: &'static str,
    not_yet: &'static str,
    expired: &'static str,
    invalid: &'static str,
    failed: &'static str,
    /// The shop no longer takes ratings (it switched CSAT off after sending the e-mail).
    switched_off: &'static str,
}

impl PageText {
    fn label(&self, score: CsatScore) -> &'static str {
        self.labels.label(score)
    }
}

fn text(locale: Locale) -> &'static PageText {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU,
        Locale::Ar => &AR,
    }
}

static EN: PageText = PageText {
    title: "Thank you for your feedback",
    thanks: "Thank you!",
    labels: SatisfactionLabels::EN,
    recorded: |score, label| format!("We recorded your answer: {score} of 5, “{label}”. Another score in the e-mail changes it."),
    locked: |score, label| format!("Your answer stands: {score} of 5, “{label}”. It can no longer be changed."),
    confirm: |score, label| format!("Your answer: {score} of 5, “{label}”. Sending it…"),
    record: "Send my answer",
    comment_label: "Anything you would like to add? (optional)",
    send: "Send comment",
    comment_saved: "Thank you, your comment reached us.",
    too_long: "A comment is at most 1,000 characters. Please shorten it and send again.",
    not_yet: "This complaint is not resolved yet. You can rate it once it is.",
    expired: "This rating link has expired. You can still tell us how we did from the help button on the shop's website.",
    invalid: "This rating link is not valid. Please open it exactly as it arrived in your e-mail.",
    failed: "We could not save this just now. Please try again in a minute.",
    switched_off: "This shop no longer collects ratings. Thank you all the same.",
};

static RU: PageText = PageText {
    title: "Спасибо за отзыв",
    thanks: "Спасибо!",
    labels: SatisfactionLabels::RU,
    recorded: |score, label| format!("Мы записали ваш ответ: {score} из 5, «{label}». Другая оценка в письме изменит его."),
    locked: |score, label| format!("Ваш ответ сохранён: {score} из 5, «{label}». Изменить его уже нельзя."),
    confirm: |score, label| format!("Ваш ответ: {score} из 5, «{label}». Отправляем…"),
    record: "Отправить ответ",
    comment_label: "Хотите что-то добавить? (необязательно)",
    send: "Отправить комментарий",
    comment_saved: "Спасибо, ваш комментарий получен.",
    too_long: "Комментарий — не больше 1000 символов. Сократите его и отправьте снова.",
    not_yet: "Это обращение ещё не решено. Оценить его можно после решения.",
    expired: "Срок действия ссылки истёк. Оценить нас можно через кнопку помощи на сайте магазина.",
    invalid: "Ссылка недействительна. Откройте её точно в том виде, в каком она пришла в письме.",
    failed: "Сейчас не удалось сохранить. Попробуйте ещё раз через минуту.",
    switched_off: "Этот магазин больше не собирает оценки. Всё равно спасибо.",
};

static AR: PageText = PageText {
    title: "شكرًا على ملاحظاتك",
    thanks: "شكرًا لك!",
    labels: SatisfactionLabels::AR,
    recorded: |score, label| format!("سجّلنا إجابتك: {score} من 5، «{label}». يمكنك تغييرها باختيار تقييم آخر في الرسالة."),
    locked: |score, label| format!("إجابتك محفوظة: {score} من 5، «{label}». لم يعد تغييرها ممكنًا."),
    confirm: |score, label| format!("إجابتك: {score} من 5، «{label}». جارٍ الإرسال…"),
    record: "إرسال إجابتي",
    comment_label: "هل تودّ إضافة شيء؟ (اختياري)",
    send: "إرسال التعليق",
    comment_saved: "شكرًا، وصلنا تعليقك.",
    too_long: "التعليق 1000 حرف كحدّ أقصى. يُرجى اختصاره وإرساله مجددًا.",
    not_yet: "لم يُحلّ هذا البلاغ بعد. يمكنك تقييمه بعد حلّه.",
    expired: "انتهت صلاحية رابط التقييم. يمكنك تقييمنا من زر المساعدة على موقع المتجر.",
    invalid: "رابط التقييم غير صالح. يُرجى فتحه كما وصل في رسالتك تمامًا.",
    failed: "تعذّر الحفظ الآن. يُرجى المحاولة بعد دقيقة.",
    switched_off: "لم يعد هذا المتجر يجمع التقييمات. شكرًا لك على أي حال.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r#"<b>"x" & 'y'</b>"#), "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
    }

    #[test]
    fn every_language_has_five_labels_and_a_score_in_its_sentences() {
        for locale in Locale::ALL {
            let words = text(locale);
            let label = |score| words.labels.label(CsatScore::parse(score).unwrap());
            assert!(CsatScore::ALL.iter().all(|score| !words.labels.label(*score).is_empty()));
            assert!((words.recorded)(4, label(4)).contains('4'));
            assert!((words.locked)(2, label(2)).contains(label(2)));
        }
    }
}

//! Every text the widget shows, per language. Adding a language is adding one `Strings`.

use carebox_contract::{ErrorCode, Locale};

use crate::api::{ApiFailure, FailureKind};

pub struct Strings {
    pub panel_title: &'static str,
    pub close: &'static str,
    pub greeting: &'static str,
    pub coming_soon: &'static str,
    pub loading: &'static str,
    pub track_order: &'static str,
    pub track_order_hint: &'static str,
    pub report_problem: &'static str,
    pub report_problem_hint: &'static str,
    pub rate_us: &'static str,
    pub rate_us_hint: &'static str,
    pub my_bonuses: &'static str,
    pub my_bonuses_hint: &'static str,
    pub retry: &'static str,
    pub details: &'static str,
    pub request_id: &'static str,
    pub error_network: &'static str,
    pub error_unknown_merchant: &'static str,
    pub error_rate_limited: &'static str,
    pub error_generic: &'static str,
}

pub fn strings(locale: Locale) -> &'static Strings {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU,
        Locale::Ar => &AR,
    }
}

impl Strings {
    /// What to tell the shopper about a failed call: what happened and what to do next.
    pub fn failure_message(&self, failure: &ApiFailure) -> &'static str {
        match &failure.kind {
            FailureKind::Network => self.error_network,
            FailureKind::Server { code: ErrorCode::UnknownMerchant, .. } => self.error_unknown_merchant,
            FailureKind::Server { code: ErrorCode::RateLimited, .. } => self.error_rate_limited,
            FailureKind::Server { .. } => self.error_generic,
        }
    }
}

static EN: Strings = Strings {
    panel_title: "Help",
    close: "Close",
    greeting: "Hi! How can we help?",
    coming_soon: "Coming soon",
    loading: "Loading…",
    track_order: "Track an order",
    track_order_hint: "See where your order is and when it arrives",
    report_problem: "Report a problem",
    report_problem_hint: "Damaged, missing or late? We will sort it out",
    rate_us: "Rate us",
    rate_us_hint: "Tell us how we did",
    my_bonuses: "My bonuses",
    my_bonuses_hint: "Your balance, tier and rewards",
    retry: "Try again",
    details: "Details",
    request_id: "Request ID",
    error_network: "We can't reach the shop's help service. Check your connection and try again.",
    error_unknown_merchant: "This shop's help widget is not set up correctly. Please contact the shop another way.",
    error_rate_limited: "Too many attempts. Please wait a minute and try again.",
    error_generic: "Something went wrong on our side. Please try again in a moment.",
};

static RU: Strings = Strings {
    panel_title: "Помощь",
    close: "Закрыть",
    greeting: "Здравствуйте! Чем можем помочь?",
    coming_soon: "Скоро",
    loading: "Загрузка…",
    track_order: "Отследить заказ",
    track_order_hint: "Где сейчас заказ и когда он приедет",
    report_problem: "Сообщить о проблеме",
    report_problem_hint: "Повреждён, не пришёл или опаздывает? Разберёмся",
    rate_us: "Оцените нас",
    rate_us_hint: "Расскажите, как мы справились",
    my_bonuses: "Мои бонусы",
    my_bonuses_hint: "Баланс, уровень и награды",
    retry: "Повторить",
    details: "Подробнее",
    request_id: "Номер запроса",
    error_network: "Не удаётся связаться со службой поддержки магазина. Проверьте подключение и попробуйте ещё раз.",
    error_unknown_merchant: "Виджет поддержки этого магазина настроен неверно. Свяжитесь с магазином другим способом.",
    error_rate_limited: "Слишком много попыток. Подождите минуту и попробуйте снова.",
    error_generic: "У нас что-то пошло не так. Попробуйте ещё раз чуть позже.",
};

static AR: Strings = Strings {
    panel_title: "المساعدة",
    close: "إغلاق",
    greeting: "مرحبًا! كيف يمكننا مساعدتك؟",
    coming_soon: "قريبًا",
    loading: "جارٍ التحميل…",
    track_order: "تتبّع طلبًا",
    track_order_hint: "اعرف مكان طلبك وموعد وصوله",
    report_problem: "الإبلاغ عن مشكلة",
    report_problem_hint: "تالف أو مفقود أو متأخر؟ سنحلّ الأمر",
    rate_us: "قيّمنا",
    rate_us_hint: "أخبرنا عن تجربتك معنا",
    my_bonuses: "مكافآتي",
    my_bonuses_hint: "رصيدك ومستواك ومكافآتك",
    retry: "أعد المحاولة",
    details: "التفاصيل",
    request_id: "معرّف الطلب",
    error_network: "تعذّر الوصول إلى خدمة المساعدة في المتجر. تحقّق من اتصالك وحاول مرة أخرى.",
    error_unknown_merchant: "لم يتم إعداد أداة المساعدة في هذا المتجر بشكل صحيح. يُرجى التواصل مع المتجر بطريقة أخرى.",
    error_rate_limited: "محاولات كثيرة جدًا. يُرجى الانتظار دقيقة ثم المحاولة مرة أخرى.",
    error_generic: "حدث خطأ من جهتنا. يُرجى المحاولة مرة أخرى بعد قليل.",
};

//! Every text the widget shows, per language. Adding a language is adding one `Strings`.

use carebox_contract::{ErrorCode, Locale, OrderEventKind, OrderStatus};

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
    pub back: &'static str,
    // Order lookup
    pub lookup_intro_email: &'static str,
    pub lookup_intro_postcode: &'static str,
    pub order_number_label: &'static str,
    pub order_number_hint: &'static str,
    pub email_label: &'static str,
    pub postcode_label: &'static str,
    pub find_order: &'static str,
    pub finding_order: &'static str,
    pub order_number_missing: &'static str,
    pub order_number_invalid: &'static str,
    pub email_missing: &'static str,
    pub email_invalid: &'static str,
    pub postcode_missing: &'static str,
    pub postcode_invalid: &'static str,
    pub not_found_email: &'static str,
    pub not_found_postcode: &'static str,
    pub token_expired: &'static str,
    // Order view
    pub order_title: &'static str,
    pub placed_on: &'static str,
    pub expected_delivery: &'static str,
    pub delay_title: &'static str,
    pub delay_new_date: &'static str,
    pub delay_new_date_only: &'static str,
    pub delay_no_date: &'static str,
    pub delay_sorry: &'static str,
    pub shipments: &'static str,
    pub track_parcel: &'static str,
    pub items: &'static str,
    pub total: &'static str,
    pub history: &'static str,
    pub report_with_order: &'static str,
    pub points_earned: Plural,
    pub item_count: Plural,
    pub running_late: &'static str,
    pub progress_label: &'static str,
    /// Per `OrderEventKind`, in `OrderEventKind::ALL` order.
    pub event_names: [&'static str; 9],
    /// What the status means for the shopper, per `OrderStatus`, in declaration order.
    pub status_explained: [&'static str; 8],
    // Shopper's orders
    pub my_orders: &'static str,
    pub no_orders: &'static str,
    pub lookup_other: &'static str,
}

/// A message in every CLDR plural category; `{n}` is replaced by the formatted number.
pub struct Plural {
    pub zero: &'static str,
    pub one: &'static str,
    pub two: &'static str,
    pub few: &'static str,
    pub many: &'static str,
    pub other: &'static str,
}

impl Plural {
    pub fn pick(&self, category: &str) -> &'static str {
        match category {
            "zero" => self.zero,
            "one" => self.one,
            "two" => self.two,
            "few" => self.few,
            "many" => self.many,
            _ => self.other,
        }
    }

    /// The right form of this message for `n` in `locale`, with `n` formatted there.
    pub fn format(&self, n: i64, locale: Locale) -> String {
        let form = self.pick(&crate::format::plural_category(n, locale));
        form.replace("{n}", &crate::format::number(n, locale))
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

pub fn strings(locale: Locale) -> &'static Strings {
    match locale {
        Locale::En => &EN,
        Locale::Ru => &RU,
        Locale::Ar => &AR,
    }
}

impl Strings {
    pub fn event_name(&self, kind: OrderEventKind) -> &'static str {
        self.event_names[OrderEventKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
    }

    pub fn status_name(&self, status: OrderStatus) -> &'static str {
        let kind = OrderEventKind::ALL.into_iter().find(|k| OrderStatus::from_event(*k) == Some(status));
        kind.map_or("", |k| self.event_name(k))
    }

    pub fn status_explained(&self, status: OrderStatus) -> &'static str {
        let index = [
            OrderStatus::Placed,
            OrderStatus::Paid,
            OrderStatus::Packed,
            OrderStatus::Shipped,
            OrderStatus::OutForDelivery,
            OrderStatus::Delivered,
            OrderStatus::Cancelled,
            OrderStatus::Returned,
        ]
        .iter()
        .position(|s| *s == status)
        .unwrap_or(0);
        self.status_explained[index]
    }

    /// What to tell the shopper about a failed call: what happened and what to do next.
    pub fn failure_message(&self, failure: &ApiFailure) -> &'static str {
        match &failure.kind {
            FailureKind::Network => self.error_network,
            FailureKind::Server { code: ErrorCode::UnknownMerchant, .. } => self.error_unknown_merchant,
            FailureKind::Server { code: ErrorCode::RateLimited, .. } => self.error_rate_limited,
            FailureKind::Server { code: ErrorCode::TokenExpired | ErrorCode::InvalidToken, .. } => self.token_expired,
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
    back: "Back",
    lookup_intro_email: "Enter the order number and the e-mail address you used at checkout.",
    lookup_intro_postcode: "Enter the order number and the delivery postcode.",
    order_number_label: "Order number",
    order_number_hint: "It is in your order confirmation, e.g. NW-1042.",
    email_label: "E-mail address",
    postcode_label: "Delivery postcode",
    find_order: "Find my order",
    finding_order: "Looking for your order…",
    order_number_missing: "Enter your order number.",
    order_number_invalid: "Order numbers have only letters, digits and - _ / . (up to 40).",
    email_missing: "Enter the e-mail address you ordered with.",
    email_invalid: "Check the e-mail address: it looks like name@example.com.",
    postcode_missing: "Enter the delivery postcode.",
    postcode_invalid: "Check the postcode: 3 to 10 letters and digits.",
    not_found_email: "We couldn't find an order with this number and e-mail address. Check both against your confirmation e-mail and try again.",
    not_found_postcode: "We couldn't find an order with this number and postcode. Check both against your confirmation e-mail and try again.",
    token_expired: "For your security, please look your order up again.",
    order_title: "Order {number}",
    placed_on: "Placed {date}",
    expected_delivery: "Expected delivery",
    delay_title: "Sorry, your order is running late",
    delay_new_date: "It was due {old}; it should now arrive {new}.",
    delay_new_date_only: "It should now arrive {new}.",
    delay_no_date: "It was due {old}. We are checking with the carrier and will update this page.",
    delay_sorry: "We apologise for the wait.",
    shipments: "Shipments",
    track_parcel: "Track parcel",
    items: "Items",
    total: "Total",
    history: "History",
    report_with_order: "Report a problem with this order",
    points_earned: Plural {
        zero: "You earn {n} points with this order",
        one: "You earn {n} point with this order",
        two: "You earn {n} points with this order",
        few: "You earn {n} points with this order",
        many: "You earn {n} points with this order",
        other: "You earn {n} points with this order",
    },
    item_count: Plural { zero: "{n} items", one: "{n} item", two: "{n} items", few: "{n} items", many: "{n} items", other: "{n} items" },
    running_late: "Running late",
    progress_label: "Order progress",
    event_names: ["Placed", "Paid", "Packed", "Shipped", "Out for delivery", "Delivered", "Cancelled", "Returned", "Delayed"],
    status_explained: [
        "We have your order and will confirm payment shortly.",
        "Payment confirmed. We are getting your order ready.",
        "Packed and waiting for the carrier to collect it.",
        "On its way. Follow the parcel with the carrier's link below.",
        "Out for delivery: it should reach you today.",
        "Delivered. We hope you enjoy it!",
        "This order was cancelled.",
        "This order was returned.",
    ],
    my_orders: "My orders",
    no_orders: "You have no orders yet.",
    lookup_other: "Look up another order",
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
    back: "Назад",
    lookup_intro_email: "Введите номер заказа и адрес почты, который вы указали при оформлении.",
    lookup_intro_postcode: "Введите номер заказа и почтовый индекс доставки.",
    order_number_label: "Номер заказа",
    order_number_hint: "Он есть в письме с подтверждением, например NW-1042.",
    email_label: "Адрес электронной почты",
    postcode_label: "Почтовый индекс доставки",
    find_order: "Найти заказ",
    finding_order: "Ищем заказ…",
    order_number_missing: "Введите номер заказа.",
    order_number_invalid: "Номер заказа состоит из букв, цифр и символов - _ / . (до 40).",
    email_missing: "Введите адрес почты, указанный при заказе.",
    email_invalid: "Проверьте адрес почты: он выглядит как name@example.com.",
    postcode_missing: "Введите почтовый индекс доставки.",
    postcode_invalid: "Проверьте индекс: от 3 до 10 букв и цифр.",
    not_found_email: "Не нашли заказ с таким номером и адресом почты. Сверьте их с письмом-подтверждением и попробуйте ещё раз.",
    not_found_postcode: "Не нашли заказ с таким номером и индексом. Сверьте их с письмом-подтверждением и попробуйте ещё раз.",
    token_expired: "В целях безопасности найдите заказ ещё раз.",
    order_title: "Заказ {number}",
    placed_on: "Оформлен {date}",
    expected_delivery: "Ожидаемая доставка",
    delay_title: "Простите, заказ задерживается",
    delay_new_date: "Доставка ожидалась {old}; теперь ожидаем {new}.",
    delay_new_date_only: "Теперь ожидаем доставку {new}.",
    delay_no_date: "Доставка ожидалась {old}. Мы выясняем у перевозчика и обновим эту страницу.",
    delay_sorry: "Приносим извинения за ожидание.",
    shipments: "Отправления",
    track_parcel: "Отследить посылку",
    items: "Товары",
    total: "Итого",
    history: "История",
    report_with_order: "Сообщить о проблеме с заказом",
    points_earned: Plural {
        zero: "За этот заказ вы получите {n} баллов",
        one: "За этот заказ вы получите {n} балл",
        two: "За этот заказ вы получите {n} балла",
        few: "За этот заказ вы получите {n} балла",
        many: "За этот заказ вы получите {n} баллов",
        other: "За этот заказ вы получите {n} балла",
    },
    item_count: Plural {
        zero: "{n} товаров",
        one: "{n} товар",
        two: "{n} товара",
        few: "{n} товара",
        many: "{n} товаров",
        other: "{n} товара",
    },
    running_late: "Задерживается",
    progress_label: "Ход заказа",
    event_names: ["Оформлен", "Оплачен", "Собран", "Отправлен", "Передан курьеру", "Доставлен", "Отменён", "Возвращён", "Задерживается"],
    status_explained: [
        "Мы получили заказ и скоро подтвердим оплату.",
        "Оплата подтверждена. Готовим заказ к отправке.",
        "Заказ собран и ждёт курьера службы доставки.",
        "Заказ в пути. Следите за посылкой по ссылке перевозчика ниже.",
        "Заказ у курьера: он приедет сегодня.",
        "Заказ доставлен. Надеемся, вам понравится!",
        "Этот заказ отменён.",
        "Этот заказ возвращён.",
    ],
    my_orders: "Мои заказы",
    no_orders: "У вас пока нет заказов.",
    lookup_other: "Найти другой заказ",
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
    back: "رجوع",
    lookup_intro_email: "أدخل رقم الطلب والبريد الإلكتروني الذي استخدمته عند الدفع.",
    lookup_intro_postcode: "أدخل رقم الطلب والرمز البريدي للتوصيل.",
    order_number_label: "رقم الطلب",
    order_number_hint: "تجده في رسالة تأكيد الطلب، مثل NW-1042.",
    email_label: "البريد الإلكتروني",
    postcode_label: "الرمز البريدي للتوصيل",
    find_order: "ابحث عن طلبي",
    finding_order: "نبحث عن طلبك…",
    order_number_missing: "أدخل رقم الطلب.",
    order_number_invalid: "يتكوّن رقم الطلب من أحرف وأرقام والرموز - _ / . (حتى 40).",
    email_missing: "أدخل البريد الإلكتروني الذي استخدمته عند الطلب.",
    email_invalid: "تحقّق من البريد الإلكتروني: يبدو هكذا name@example.com.",
    postcode_missing: "أدخل الرمز البريدي للتوصيل.",
    postcode_invalid: "تحقّق من الرمز البريدي: من 3 إلى 10 أحرف وأرقام.",
    not_found_email: "لم نجد طلبًا بهذا الرقم والبريد الإلكتروني. قارنهما برسالة التأكيد وحاول مرة أخرى.",
    not_found_postcode: "لم نجد طلبًا بهذا الرقم والرمز البريدي. قارنهما برسالة التأكيد وحاول مرة أخرى.",
    token_expired: "حفاظًا على أمانك، يُرجى البحث عن طلبك مرة أخرى.",
    order_title: "الطلب {number}",
    placed_on: "تاريخ الطلب {date}",
    expected_delivery: "موعد التسليم المتوقع",
    delay_title: "نعتذر، طلبك متأخر",
    delay_new_date: "كان موعده {old}؛ ونتوقع وصوله الآن {new}.",
    delay_new_date_only: "نتوقع وصوله الآن {new}.",
    delay_no_date: "كان موعده {old}. نتحقق مع شركة الشحن وسنحدّث هذه الصفحة.",
    delay_sorry: "نعتذر عن الانتظار.",
    shipments: "الشحنات",
    track_parcel: "تتبّع الشحنة",
    items: "المنتجات",
    total: "الإجمالي",
    history: "السجل",
    report_with_order: "الإبلاغ عن مشكلة في هذا الطلب",
    points_earned: Plural {
        zero: "لن تحصل على نقاط مع هذا الطلب",
        one: "ستحصل على نقطة واحدة مع هذا الطلب",
        two: "ستحصل على نقطتين مع هذا الطلب",
        few: "ستحصل على {n} نقاط مع هذا الطلب",
        many: "ستحصل على {n} نقطة مع هذا الطلب",
        other: "ستحصل على {n} نقطة مع هذا الطلب",
    },
    item_count: Plural {
        zero: "لا منتجات", one: "منتج واحد", two: "منتجان", few: "{n} منتجات", many: "{n} منتجًا", other: "{n} منتج"
    },
    running_late: "متأخر",
    progress_label: "مراحل الطلب",
    event_names: ["تم الطلب", "تم الدفع", "تم التغليف", "تم الشحن", "خرج للتوصيل", "تم التسليم", "أُلغي", "أُعيد", "متأخر"],
    status_explained: [
        "استلمنا طلبك وسنؤكد الدفع قريبًا.",
        "تم تأكيد الدفع. نجهّز طلبك الآن.",
        "تم تغليف الطلب وينتظر شركة الشحن.",
        "طلبك في الطريق. تابع الشحنة عبر رابط شركة الشحن أدناه.",
        "خرج طلبك للتوصيل وسيصلك اليوم.",
        "تم تسليم طلبك. نتمنى أن ينال إعجابك!",
        "تم إلغاء هذا الطلب.",
        "تمت إعادة هذا الطلب.",
    ],
    my_orders: "طلباتي",
    no_orders: "لا توجد طلبات بعد.",
    lookup_other: "ابحث عن طلب آخر",
};

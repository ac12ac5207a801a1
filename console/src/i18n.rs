//! The console's words, in English and Russian (picked from the browser's language).

use carebox_contract::{
    ComplaintCategory, ComplaintEventKind, ComplaintStatus, EscalationLevel, OrderEventKind, OrderStatus, ResolutionKind,
};

pub struct Texts {
    pub lang: &'static str,
    pub title: &'static str,
    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub wrong_credentials: &'static str,
    pub too_many_attempts: &'static str,
    pub offline: &'static str,
    pub failed: &'static str,
    pub sign_out: &'static str,
    pub owner: &'static str,
    pub agent: &'static str,
    pub inbox: &'static str,
    pub filter_open: &'static str,
    pub filter_overdue: &'static str,
    pub filter_answered: &'static str,
    pub filter_resolved: &'static str,
    pub nothing_here: &'static str,
    pub loading: &'static str,
    pub due_in: &'static str,
    pub overdue_by: &'static str,
    pub no_promise: &'static str,
    pub vip: &'static str,
    pub level_filter: &'static str,
    pub category_filter: &'static str,
    pub priority_only: &'static str,
    pub all: &'static str,
    pub points: &'static str,
    pub notes: &'static str,
    pub widget: &'static str,
    pub owners_only: &'static str,
    pub shop_name: &'static str,
    pub greeting_en: &'static str,
    pub greeting_ru: &'static str,
    pub capabilities: &'static str,
    pub feature_orders: &'static str,
    pub feature_complaints: &'static str,
    pub feature_csat: &'static str,
    pub feature_loyalty: &'static str,
    pub accent: &'static str,
    pub accent_invalid: &'static str,
    pub lookup_proof: &'static str,
    pub lookup_email: &'static str,
    pub lookup_postcode: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub snippet: &'static str,
    pub snippet_help: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub secret_key: &'static str,
    pub secret_key_help: &'static str,
    pub rotate_secret: &'static str,
    pub new_secret: &'static str,
    pub old_secret_until: &'static str,
    pub wants: &'static str,
    pub contact: &'static str,
    pub about_items: &'static str,
    pub add_note: &'static str,
    pub save_note: &'static str,
    pub back: &'static str,
    pub order: &'static str,
    pub shopper_wrote: &'static str,
    pub history: &'static str,
    pub reply: &'static str,
    pub send_reply: &'static str,
    pub reply_placeholder: &'static str,
    pub resolve: &'static str,
    pub resolution: &'static str,
    pub note: &'static str,
    pub escalate: &'static str,
    pub hand_back: &'static str,
    pub reason: &'static str,
    pub reason_needed: &'static str,
    pub not_now: &'static str,
    pub shopper: &'static str,
    pub shop: &'static str,
    pub system: &'static str,
    pub hours: &'static str,
    pub minutes: &'static str,
    pub reports: &'static str,
    pub range: &'static str,
    pub last_7: &'static str,
    pub last_30: &'static str,
    pub last_90: &'static str,
    pub csat_percent: &'static str,
    pub answers: &'static str,
    pub average_score: &'static str,
    pub first_response_median: &'static str,
    pub first_response_p90: &'static str,
    pub unanswered: &'static str,
    pub csat_over_time: &'static str,
    pub average: &'static str,
    pub score_distribution: &'static str,
    pub score: &'static str,
    pub share: &'static str,
    pub date: &'static str,
    pub promises_per_day: &'static str,
    pub promises_broken: &'static str,
    pub filed: &'static str,
    pub to_l2: &'static str,
    pub to_l3: &'static str,
    pub escalations_by_level: &'static str,
    pub level: &'static str,
    pub by_clock: &'static str,
    pub by_shopper: &'static str,
    pub by_staff: &'static str,
    pub first_response: &'static str,
    pub figure: &'static str,
    pub value: &'static str,
    pub comments: &'static str,
    pub only_commented: &'static str,
    pub search: &'static str,
    pub subject: &'static str,
    pub answered_at: &'static str,
    pub no_figure: &'static str,
    pub show_table: &'static str,
    pub download_csv: &'static str,
    pub summary_csat: &'static str,
    pub summary_distribution: &'static str,
    pub summary_promises: &'static str,
    pub summary_escalations: &'static str,
    pub orders: &'static str,
    pub find_order: &'static str,
    pub find: &'static str,
    pub find_needed: &'static str,
    pub no_orders: &'static str,
    pub placed: &'static str,
    pub expected: &'static str,
    pub late_now_expected: &'static str,
    pub items: &'static str,
    pub parcels: &'static str,
    pub track: &'static str,
    pub timeline: &'static str,
    pub add_event: &'static str,
    pub event_kind: &'static str,
    pub happened_at: &'static str,
    pub event_note: &'static str,
    pub delay_reason: &'static str,
    pub new_expected: &'static str,
    pub carrier: &'static str,
    pub tracking_number: &'static str,
    pub tracking_url: &'static str,
    pub add: &'static str,
    pub event_added: &'static str,
    pub when_needed: &'static str,
    pub loyalty: &'static str,
    pub find_shopper: &'static str,
    pub balance: &'static str,
    pub earned: &'static str,
    pub tier: &'static str,
    pub to_next_tier: &'static str,
    pub top_tier: &'static str,
    pub ledger: &'static str,
    pub no_entries: &'static str,
    pub entry_order: &'static str,
    pub entry_compensation: &'static str,
    pub entry_adjustment: &'static str,
    pub entry_expiration: &'static str,
    pub adjust_points: &'static str,
    pub points_change: &'static str,
    pub adjust_reason: &'static str,
    pub adjusted: &'static str,
    pub whole_number: &'static str,
    pub tiers: &'static str,
    pub tier_id: &'static str,
    pub tier_name: &'static str,
    pub threshold: &'static str,
    pub earn_percent: &'static str,
    pub response_hours: &'static str,
    pub remove: &'static str,
    pub add_tier: &'static str,
    pub compensation: &'static str,
    pub breach_points: &'static str,
    pub cap_per_30_days: &'static str,
    pub by_name: &'static str,
    pub webhooks: &'static str,
    pub webhooks_help: &'static str,
    pub endpoint_url: &'static str,
    pub events: &'static str,
    pub add_endpoint: &'static str,
    pub no_endpoints: &'static str,
    pub endpoint_on: &'static str,
    pub endpoint_off: &'static str,
    pub switch_off: &'static str,
    pub switch_on: &'static str,
    pub rotate: &'static str,
    pub signing_secret: &'static str,
    pub save_events: &'static str,
    pub paused_until: &'static str,
    pub failures: &'static str,
    pub deliveries: &'static str,
    pub no_deliveries: &'static str,
    pub delivered: &'static str,
    pub pending: &'static str,
    pub given_up: &'static str,
    pub attempts: &'static str,
    pub next_try: &'static str,
    pub retry: &'static str,
    pub retried: &'static str,
    pub endpoint: &'static str,
    pub status_col: &'static str,
    pub remove_confirm: &'static str,
    pub event_created: &'static str,
    pub event_escalated: &'static str,
    pub event_resolved: &'static str,
    pub greeting_ar: &'static str,
    pub radius: &'static str,
    pub scheme: &'static str,
    pub scheme_auto: &'static str,
    pub scheme_light: &'static str,
    pub scheme_dark: &'static str,
    pub position: &'static str,
    pub position_right: &'static str,
    pub position_left: &'static str,
    pub preview: &'static str,
    pub preview_help: &'static str,
    pub preview_language: &'static str,
    pub origins: &'static str,
    pub origins_help: &'static str,
    pub save_origins: &'static str,
    pub own_texts: &'static str,
    pub own_texts_help: &'static str,
    pub text_language: &'static str,
    pub text_key: &'static str,
    pub text_value: &'static str,
    pub add_text: &'static str,
    pub no_texts: &'static str,
    pub radius_invalid: &'static str,
    pub show_more: &'static str,
    pub shown_of: &'static str,
    pub keys: &'static str,
    pub publishable_key: &'static str,
}

pub const EN: Texts = Texts {
    lang: "en",
    title: "Support console",
    sign_in: "Sign in",
    email: "E-mail",
    password: "Password",
    wrong_credentials: "The e-mail or password is not right. Check both and try again.",
    too_many_attempts: "Too many attempts. Wait a few minutes, then try again.",
    offline: "Carebox cannot be reached. Check the connection and try again.",
    failed: "That did not work",
    sign_out: "Sign out",
    owner: "owner",
    agent: "agent",
    inbox: "Inbox",
    filter_open: "Waiting for us",
    filter_overdue: "Overdue",
    filter_answered: "Answered",
    filter_resolved: "Resolved",
    nothing_here: "Nothing here. Well done.",
    loading: "Loading…",
    due_in: "answer within",
    overdue_by: "overdue by",
    no_promise: "no promise running",
    vip: "Priority",
    level_filter: "Level",
    category_filter: "What happened",
    priority_only: "Priority only (VIP, repeats)",
    all: "All",
    points: "Points to credit (1 to 100,000)",
    notes: "Notes for the team",
    widget: "Widget",
    owners_only: "Only the shop's owners change these settings.",
    shop_name: "Shop name (1 to 80 characters)",
    greeting_en: "Greeting in English (empty: the widget's own)",
    greeting_ru: "Greeting in Russian (empty: the widget's own)",
    capabilities: "What the widget offers",
    feature_orders: "Order status",
    feature_complaints: "Complaints",
    feature_csat: "Ratings (CSAT)",
    feature_loyalty: "Loyalty bonuses",
    accent: "Accent colour",
    accent_invalid: "The accent is a colour like #4f46e5.",
    lookup_proof: "Shoppers find an order with its number and",
    lookup_email: "their e-mail",
    lookup_postcode: "their postcode",
    save: "Save",
    saved: "Saved. Shoppers see it within seconds.",
    snippet: "Put the widget on your pages",
    snippet_help: "Paste this tag into every page of the shop, before </body>.",
    copy: "Copy",
    copied: "Copied.",
    copy_failed: "The browser did not allow copying: select the tag and copy it.",
    secret_key: "Secret key",
    secret_key_help: "Your servers call Carebox with it. A new one is shown once; the previous one keeps working for 24 hours, time to switch.",
    rotate_secret: "Make a new secret key",
    new_secret: "The new secret key (copy it now: it is not shown again):",
    old_secret_until: "The previous key works until",
    wants: "Wants",
    contact: "Contact",
    about_items: "About",
    add_note: "A note for the team (shoppers never see it)",
    save_note: "Add note",
    back: "← Inbox",
    order: "Order",
    shopper_wrote: "The shopper wrote",
    history: "History",
    reply: "Reply to the shopper",
    send_reply: "Send reply",
    reply_placeholder: "What the shopper will read",
    resolve: "Resolve",
    resolution: "Resolution",
    note: "Note for the shopper (optional)",
    escalate: "Escalate",
    hand_back: "Hand back a level",
    reason: "Reason (5 to 500 characters)",
    reason_needed: "Say why, in 5 to 500 characters.",
    not_now: "Not possible now",
    shopper: "Shopper",
    shop: "Shop",
    system: "Carebox",
    hours: "h",
    minutes: "min",
    reports: "Reports",
    range: "Period",
    last_7: "Last 7 days",
    last_30: "Last 30 days",
    last_90: "Last 90 days",
    csat_percent: "CSAT (4 and 5)",
    answers: "Answers",
    average_score: "Average score",
    first_response_median: "First response, median",
    first_response_p90: "First response, 90th percentile",
    unanswered: "Still unanswered",
    csat_over_time: "CSAT over time",
    average: "Average",
    score_distribution: "Score distribution",
    score: "Score",
    share: "Share",
    date: "Date",
    promises_per_day: "Promises broken per day",
    promises_broken: "Promises broken",
    filed: "Complaints filed",
    to_l2: "Reached L2",
    to_l3: "Reached L3",
    escalations_by_level: "Escalations by level",
    level: "Level",
    by_clock: "Promise ran out",
    by_shopper: "Shopper asked",
    by_staff: "Staff",
    first_response: "First response",
    figure: "Figure",
    value: "Value",
    comments: "Comments",
    only_commented: "Only answers with a comment",
    search: "Search",
    subject: "Subject",
    answered_at: "Answered",
    no_figure: "—",
    show_table: "Table view",
    download_csv: "Download CSV",
    summary_csat: "answers; daily average score on the line",
    summary_distribution: "answers by score from 1 to 5",
    summary_promises: "promises broken in the period",
    summary_escalations: "escalations in the period",
    orders: "Orders",
    find_order: "Order number or the shopper's e-mail",
    find: "Find",
    find_needed: "Type an order number or an e-mail address.",
    no_orders: "No orders found. Check the number or the address.",
    placed: "Placed",
    expected: "Expected",
    late_now_expected: "Late: now expected",
    items: "Items",
    parcels: "Parcels",
    track: "Track",
    timeline: "Timeline",
    add_event: "Add an event",
    event_kind: "What happened",
    happened_at: "When",
    event_note: "Note for the shopper (optional)",
    delay_reason: "Reason for the delay (the shopper reads it)",
    new_expected: "New expected delivery day",
    carrier: "Carrier",
    tracking_number: "Tracking number",
    tracking_url: "Tracking link (https://…, optional)",
    add: "Add",
    event_added: "Added. The shopper sees it in the widget now.",
    when_needed: "Say when it happened.",
    loyalty: "Loyalty",
    find_shopper: "Shopper's e-mail",
    balance: "Balance",
    earned: "Earned in all",
    tier: "Tier",
    to_next_tier: "to",
    top_tier: "Top tier",
    ledger: "Points history",
    no_entries: "No points yet.",
    entry_order: "Order",
    entry_compensation: "Compensation",
    entry_adjustment: "Adjustment",
    entry_expiration: "Expired",
    adjust_points: "Adjust points",
    points_change: "Points (negative to remove)",
    adjust_reason: "Reason (3 to 200 characters; the shopper reads it)",
    adjusted: "Done. The shopper sees the new balance now.",
    whole_number: "Enter a whole number.",
    tiers: "Tiers",
    tier_id: "Id",
    tier_name: "Name",
    threshold: "From points",
    earn_percent: "Earn, %",
    response_hours: "Answer within, h",
    remove: "Remove",
    add_tier: "Add a tier",
    compensation: "Compensation for broken promises",
    breach_points: "Points per broken promise",
    cap_per_30_days: "At most per shopper in 30 days",
    by_name: "by",
    webhooks: "Webhooks",
    webhooks_help: "Carebox posts each event to your endpoints, signed with the endpoint's secret (header Carebox-Signature).",
    endpoint_url: "Endpoint URL (https://…)",
    events: "Events",
    add_endpoint: "Add endpoint",
    no_endpoints: "No endpoints yet.",
    endpoint_on: "On",
    endpoint_off: "Off",
    switch_off: "Switch off",
    switch_on: "Switch on",
    rotate: "New secret",
    signing_secret: "Signing secret",
    save_events: "Save events",
    paused_until: "Paused after failures until",
    failures: "failures in a row",
    deliveries: "Delivery log",
    no_deliveries: "Nothing sent yet.",
    delivered: "Delivered",
    pending: "Waiting",
    given_up: "Gave up",
    attempts: "Attempts",
    next_try: "Next try",
    retry: "Retry now",
    retried: "Queued: it goes out within seconds.",
    endpoint: "Endpoint",
    status_col: "Status",
    remove_confirm: "Remove this endpoint and its delivery log?",
    event_created: "Complaint filed",
    event_escalated: "Complaint escalated",
    event_resolved: "Complaint resolved",
    greeting_ar: "Greeting in Arabic, right to left (empty: the widget's own)",
    radius: "Corner radius, px (0 to 24)",
    scheme: "Colours",
    scheme_auto: "As the shopper's system",
    scheme_light: "Light",
    scheme_dark: "Dark",
    position: "Launcher position (in the snippet)",
    position_right: "Bottom right",
    position_left: "Bottom left",
    preview: "Live preview",
    preview_help: "The real widget with the settings above, before you save them.",
    preview_language: "Preview language",
    origins: "Sites the widget works on",
    origins_help: "One per line, like https://shop.example: pages elsewhere cannot use your key.",
    save_origins: "Save sites",
    own_texts: "Your own wording",
    own_texts_help: "Replace any text of the widget, per language.",
    text_language: "Language",
    text_key: "Text",
    text_value: "Your wording (up to 300 characters)",
    add_text: "Use this wording",
    no_texts: "The widget's own texts are used.",
    radius_invalid: "The corner radius is a whole number from 0 to 24.",
    show_more: "Show more",
    shown_of: "shown of",
    keys: "Keys",
    publishable_key: "Publishable key (in the snippet; safe on your pages)",
};

pub const RU: Texts = Texts {
    lang: "ru",
    title: "Консоль поддержки",
    sign_in: "Войти",
    email: "Эл. почта",
    password: "Пароль",
    wrong_credentials: "Неверная почта или пароль. Проверьте оба поля и попробуйте снова.",
    too_many_attempts: "Слишком много попыток. Подождите несколько минут и попробуйте снова.",
    offline: "Нет связи с Carebox. Проверьте подключение и попробуйте снова.",
    failed: "Не получилось",
    sign_out: "Выйти",
    owner: "владелец",
    agent: "агент",
    inbox: "Входящие",
    filter_open: "Ждут ответа",
    filter_overdue: "Просрочены",
    filter_answered: "Отвечены",
    filter_resolved: "Решены",
    nothing_here: "Здесь пусто. Отличная работа.",
    loading: "Загрузка…",
    due_in: "ответить в течение",
    overdue_by: "просрочено на",
    no_promise: "срок не идёт",
    vip: "Приоритет",
    level_filter: "Уровень",
    category_filter: "Что случилось",
    priority_only: "Только приоритетные (VIP, повторные)",
    all: "Все",
    points: "Сколько баллов начислить (от 1 до 100 000)",
    notes: "Заметки для команды",
    widget: "Виджет",
    owners_only: "Эти настройки меняют только владельцы магазина.",
    shop_name: "Название магазина (от 1 до 80 символов)",
    greeting_en: "Приветствие на английском (пусто — стандартное)",
    greeting_ru: "Приветствие на русском (пусто — стандартное)",
    capabilities: "Что предлагает виджет",
    feature_orders: "Статус заказа",
    feature_complaints: "Жалобы",
    feature_csat: "Оценки (CSAT)",
    feature_loyalty: "Бонусы",
    accent: "Основной цвет",
    accent_invalid: "Цвет задаётся как #4f46e5.",
    lookup_proof: "Покупатель находит заказ по номеру и",
    lookup_email: "эл. почте",
    lookup_postcode: "почтовому индексу",
    save: "Сохранить",
    saved: "Сохранено. Покупатели увидят это через несколько секунд.",
    snippet: "Виджет на страницах магазина",
    snippet_help: "Вставьте этот тег на каждую страницу магазина перед </body>.",
    copy: "Скопировать",
    copied: "Скопировано.",
    copy_failed: "Браузер не дал скопировать: выделите тег и скопируйте его.",
    secret_key: "Секретный ключ",
    secret_key_help: "С ним ваши серверы обращаются к Carebox. Новый показывается один раз; прежний работает ещё 24 часа, чтобы успеть переключиться.",
    rotate_secret: "Создать новый секретный ключ",
    new_secret: "Новый секретный ключ (скопируйте сейчас: больше он не покажется):",
    old_secret_until: "Прежний ключ работает до",
    wants: "Хочет",
    contact: "Связь",
    about_items: "Товары",
    add_note: "Заметка для команды (покупатель её не увидит)",
    save_note: "Добавить заметку",
    back: "← Входящие",
    order: "Заказ",
    shopper_wrote: "Покупатель пишет",
    history: "История",
    reply: "Ответ покупателю",
    send_reply: "Отправить ответ",
    reply_placeholder: "Что прочитает покупатель",
    resolve: "Решить",
    resolution: "Решение",
    note: "Комментарий для покупателя (необязательно)",
    escalate: "Передать выше",
    hand_back: "Вернуть на уровень ниже",
    reason: "Причина (от 5 до 500 символов)",
    reason_needed: "Укажите причину: от 5 до 500 символов.",
    not_now: "Сейчас нельзя",
    shopper: "Покупатель",
    shop: "Магазин",
    system: "Carebox",
    hours: "ч",
    minutes: "мин",
    reports: "Отчёты",
    range: "Период",
    last_7: "Последние 7 дней",
    last_30: "Последние 30 дней",
    last_90: "Последние 90 дней",
    csat_percent: "CSAT (4 и 5)",
    answers: "Ответы",
    average_score: "Средняя оценка",
    first_response_median: "Первый ответ, медиана",
    first_response_p90: "Первый ответ, 90-й перцентиль",
    unanswered: "Ещё без ответа",
    csat_over_time: "CSAT по дням",
    average: "Среднее",
    score_distribution: "Распределение оценок",
    score: "Оценка",
    share: "Доля",
    date: "Дата",
    promises_per_day: "Нарушенные обещания по дням",
    promises_broken: "Нарушено обещаний",
    filed: "Подано жалоб",
    to_l2: "Передано на L2",
    to_l3: "Передано на L3",
    escalations_by_level: "Эскалации по уровням",
    level: "Уровень",
    by_clock: "Истёк срок ответа",
    by_shopper: "По просьбе покупателя",
    by_staff: "Сотрудник",
    first_response: "Первый ответ",
    figure: "Показатель",
    value: "Значение",
    comments: "Комментарии",
    only_commented: "Только ответы с комментарием",
    search: "Поиск",
    subject: "Предмет",
    answered_at: "Дата ответа",
    no_figure: "—",
    show_table: "Таблица",
    download_csv: "Скачать CSV",
    summary_csat: "ответов; линия — средняя оценка за день",
    summary_distribution: "ответов по оценкам от 1 до 5",
    summary_promises: "обещаний нарушено за период",
    summary_escalations: "эскалаций за период",
    orders: "Заказы",
    find_order: "Номер заказа или эл. почта покупателя",
    find: "Найти",
    find_needed: "Введите номер заказа или адрес эл. почты.",
    no_orders: "Заказы не найдены. Проверьте номер или адрес.",
    placed: "Оформлен",
    expected: "Ожидается",
    late_now_expected: "Опаздывает: теперь ожидается",
    items: "Товары",
    parcels: "Посылки",
    track: "Отследить",
    timeline: "Хронология",
    add_event: "Добавить событие",
    event_kind: "Что произошло",
    happened_at: "Когда",
    event_note: "Комментарий для покупателя (необязательно)",
    delay_reason: "Причина задержки (её прочитает покупатель)",
    new_expected: "Новая ожидаемая дата доставки",
    carrier: "Служба доставки",
    tracking_number: "Трек-номер",
    tracking_url: "Ссылка для отслеживания (https://…, необязательно)",
    add: "Добавить",
    event_added: "Добавлено. Покупатель уже видит это в виджете.",
    when_needed: "Укажите, когда это произошло.",
    loyalty: "Лояльность",
    find_shopper: "Эл. почта покупателя",
    balance: "Баланс",
    earned: "Заработано всего",
    tier: "Уровень",
    to_next_tier: "до",
    top_tier: "Высший уровень",
    ledger: "История баллов",
    no_entries: "Баллов пока нет.",
    entry_order: "Заказ",
    entry_compensation: "Компенсация",
    entry_adjustment: "Корректировка",
    entry_expiration: "Сгорели",
    adjust_points: "Изменить баллы",
    points_change: "Баллы (отрицательное число — списать)",
    adjust_reason: "Причина (от 3 до 200 символов; её прочитает покупатель)",
    adjusted: "Готово. Покупатель уже видит новый баланс.",
    whole_number: "Введите целое число.",
    tiers: "Уровни",
    tier_id: "Код",
    tier_name: "Название",
    threshold: "От баллов",
    earn_percent: "Начисление, %",
    response_hours: "Ответ в течение, ч",
    remove: "Удалить",
    add_tier: "Добавить уровень",
    compensation: "Компенсация за нарушенные обещания",
    breach_points: "Баллов за нарушенное обещание",
    cap_per_30_days: "Не больше на покупателя за 30 дней",
    by_name: "—",
    webhooks: "Вебхуки",
    webhooks_help: "Carebox отправляет каждое событие на ваши адреса с подписью секретом адреса (заголовок Carebox-Signature).",
    endpoint_url: "Адрес (https://…)",
    events: "События",
    add_endpoint: "Добавить адрес",
    no_endpoints: "Адресов пока нет.",
    endpoint_on: "Включён",
    endpoint_off: "Выключен",
    switch_off: "Выключить",
    switch_on: "Включить",
    rotate: "Новый секрет",
    signing_secret: "Секрет подписи",
    save_events: "Сохранить события",
    paused_until: "Приостановлен после ошибок до",
    failures: "ошибок подряд",
    deliveries: "Журнал доставки",
    no_deliveries: "Пока ничего не отправлено.",
    delivered: "Доставлено",
    pending: "Ожидает",
    given_up: "Попытки исчерпаны",
    attempts: "Попыток",
    next_try: "Следующая попытка",
    retry: "Повторить сейчас",
    retried: "В очереди: уйдёт через несколько секунд.",
    endpoint: "Адрес",
    status_col: "Статус",
    remove_confirm: "Удалить этот адрес и его журнал доставки?",
    event_created: "Жалоба подана",
    event_escalated: "Жалоба передана выше",
    event_resolved: "Жалоба решена",
    greeting_ar: "Приветствие на арабском, справа налево (пусто — стандартное)",
    radius: "Скругление углов, пикс. (от 0 до 24)",
    scheme: "Цветовая схема",
    scheme_auto: "Как в системе покупателя",
    scheme_light: "Светлая",
    scheme_dark: "Тёмная",
    position: "Положение кнопки (в коде вставки)",
    position_right: "Справа внизу",
    position_left: "Слева внизу",
    preview: "Предпросмотр",
    preview_help: "Настоящий виджет с настройками выше — ещё до сохранения.",
    preview_language: "Язык предпросмотра",
    origins: "Сайты, где работает виджет",
    origins_help: "По одному в строке, например https://shop.example: другие сайты не смогут использовать ваш ключ.",
    save_origins: "Сохранить сайты",
    own_texts: "Свои тексты",
    own_texts_help: "Замените любой текст виджета для нужного языка.",
    text_language: "Язык",
    text_key: "Текст",
    text_value: "Ваш вариант (до 300 символов)",
    add_text: "Использовать",
    no_texts: "Используются тексты виджета.",
    radius_invalid: "Скругление — целое число от 0 до 24.",
    show_more: "Показать ещё",
    shown_of: "показано из",
    keys: "Ключи",
    publishable_key: "Публикуемый ключ (в коде вставки; его можно показывать на страницах)",
};

/// Russian for a browser that prefers it, English otherwise.
pub fn pick() -> &'static Texts {
    let language = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
    if language.to_ascii_lowercase().starts_with("ru") { &RU } else { &EN }
}

impl Texts {
    pub fn category(&self, category: ComplaintCategory) -> &'static str {
        use ComplaintCategory as C;
        let ru = self.lang == "ru";
        match category {
            C::Damaged => {
                if ru {
                    "Повреждено"
                } else {
                    "Damaged"
                }
            }
            C::MissingItem => {
                if ru {
                    "Не хватает товара"
                } else {
                    "Missing item"
                }
            }
            C::WrongItem => {
                if ru {
                    "Не тот товар"
                } else {
                    "Wrong item"
                }
            }
            C::LateDelivery => {
                if ru {
                    "Опоздание доставки"
                } else {
                    "Late delivery"
                }
            }
            C::Quality => {
                if ru {
                    "Качество"
                } else {
                    "Quality"
                }
            }
            C::Service => {
                if ru {
                    "Обслуживание"
                } else {
                    "Service"
                }
            }
            C::Other => {
                if ru {
                    "Другое"
                } else {
                    "Other"
                }
            }
        }
    }

    pub fn desired(&self, desired: carebox_contract::DesiredResolution) -> &'static str {
        use carebox_contract::DesiredResolution as D;
        let ru = self.lang == "ru";
        match desired {
            D::Refund => {
                if ru {
                    "возврат денег"
                } else {
                    "a refund"
                }
            }
            D::Replacement => {
                if ru {
                    "замену"
                } else {
                    "a replacement"
                }
            }
            D::Repair => {
                if ru {
                    "ремонт"
                } else {
                    "a repair"
                }
            }
            D::Compensation => {
                if ru {
                    "компенсацию"
                } else {
                    "compensation"
                }
            }
            D::JustLetYouKnow => {
                if ru {
                    "просто сообщить"
                } else {
                    "only to let the shop know"
                }
            }
        }
    }

    pub fn contact_by(&self, contact: carebox_contract::ContactPreference) -> &'static str {
        use carebox_contract::ContactPreference as C;
        let ru = self.lang == "ru";
        match contact {
            C::Email => {
                if ru {
                    "эл. почта"
                } else {
                    "e-mail"
                }
            }
            C::Phone => {
                if ru {
                    "телефон"
                } else {
                    "phone"
                }
            }
            C::WidgetOnly => {
                if ru {
                    "только в виджете"
                } else {
                    "in the widget only"
                }
            }
        }
    }

    pub fn level(&self, level: EscalationLevel) -> &'static str {
        let ru = self.lang == "ru";
        match level {
            EscalationLevel::L1 => {
                if ru {
                    "L1 поддержка"
                } else {
                    "L1 support"
                }
            }
            EscalationLevel::L2 => {
                if ru {
                    "L2 руководитель"
                } else {
                    "L2 supervisor"
                }
            }
            EscalationLevel::L3 => {
                if ru {
                    "L3 менеджер"
                } else {
                    "L3 manager"
                }
            }
        }
    }

    pub fn status(&self, status: ComplaintStatus) -> &'static str {
        match status {
            ComplaintStatus::Open => self.filter_open,
            ComplaintStatus::Answered => self.filter_answered,
            ComplaintStatus::Resolved => self.filter_resolved,
        }
    }

    pub fn event(&self, kind: ComplaintEventKind) -> &'static str {
        use ComplaintEventKind as K;
        let ru = self.lang == "ru";
        match kind {
            K::Created => {
                if ru {
                    "Обращение создано"
                } else {
                    "Filed"
                }
            }
            K::Replied => {
                if ru {
                    "Ответ"
                } else {
                    "Reply"
                }
            }
            K::Escalated => {
                if ru {
                    "Передано выше"
                } else {
                    "Escalated"
                }
            }
            K::DeEscalated => {
                if ru {
                    "Возвращено ниже"
                } else {
                    "Handed back"
                }
            }
            K::Resolved => {
                if ru {
                    "Решено"
                } else {
                    "Resolved"
                }
            }
            K::Reopened => {
                if ru {
                    "Открыто снова"
                } else {
                    "Reopened"
                }
            }
            K::BonusCredited => {
                if ru {
                    "Начислены баллы"
                } else {
                    "Points credited"
                }
            }
        }
    }

    pub fn resolution(&self, kind: ResolutionKind) -> &'static str {
        let ru = self.lang == "ru";
        match kind {
            ResolutionKind::Refund => {
                if ru {
                    "Возврат денег"
                } else {
                    "Refund"
                }
            }
            ResolutionKind::Replacement => {
                if ru {
                    "Замена"
                } else {
                    "Replacement"
                }
            }
            ResolutionKind::Repair => {
                if ru {
                    "Ремонт"
                } else {
                    "Repair"
                }
            }
            ResolutionKind::Compensation => {
                if ru {
                    "Компенсация баллами"
                } else {
                    "Compensation in points"
                }
            }
            ResolutionKind::Rejected => {
                if ru {
                    "Отклонено"
                } else {
                    "Rejected"
                }
            }
        }
    }

    /// What is wrong with a field the server named, in Russian. English uses the server's own
    /// message, which is already this specific.
    pub fn field_problem(&self, field: &str, code: carebox_contract::ErrorCode) -> Option<&'static str> {
        use carebox_contract::ErrorCode::Missing;
        if self.lang != "ru" {
            return None;
        }
        Some(match field {
            "text" if code == Missing => "напишите текст.",
            "text" => "текст слишком длинный.",
            "reason" | "resolution.reason" => "укажите причину: от 5 до 500 символов.",
            "note" => "комментарий — не длиннее 1000 символов.",
            "resolution.points" => "баллов — от 1 до 100 000.",
            "merchant_name" => "название — от 1 до 80 символов в одну строку.",
            field if field.starts_with("greetings") => "приветствие — от 1 до 300 символов.",
            "features" => "включите хотя бы одну возможность.",
            "theme.accent" => "цвет задаётся как #4f46e5.",
            _ => return None,
        })
    }

    pub fn order_status(&self, status: OrderStatus) -> &'static str {
        let ru = self.lang == "ru";
        match status {
            OrderStatus::Placed => {
                if ru {
                    "Оформлен"
                } else {
                    "Placed"
                }
            }
            OrderStatus::Paid => {
                if ru {
                    "Оплачен"
                } else {
                    "Paid"
                }
            }
            OrderStatus::Packed => {
                if ru {
                    "Собран"
                } else {
                    "Packed"
                }
            }
            OrderStatus::Shipped => {
                if ru {
                    "Отправлен"
                } else {
                    "Shipped"
                }
            }
            OrderStatus::OutForDelivery => {
                if ru {
                    "Передан курьеру"
                } else {
                    "Out for delivery"
                }
            }
            OrderStatus::Delivered => {
                if ru {
                    "Доставлен"
                } else {
                    "Delivered"
                }
            }
            OrderStatus::Cancelled => {
                if ru {
                    "Отменён"
                } else {
                    "Cancelled"
                }
            }
            OrderStatus::Returned => {
                if ru {
                    "Возвращён"
                } else {
                    "Returned"
                }
            }
        }
    }

    pub fn order_event(&self, kind: OrderEventKind) -> &'static str {
        let ru = self.lang == "ru";
        match kind {
            OrderEventKind::Placed => self.order_status(OrderStatus::Placed),
            OrderEventKind::Paid => self.order_status(OrderStatus::Paid),
            OrderEventKind::Packed => self.order_status(OrderStatus::Packed),
            OrderEventKind::Shipped => self.order_status(OrderStatus::Shipped),
            OrderEventKind::OutForDelivery => self.order_status(OrderStatus::OutForDelivery),
            OrderEventKind::Delivered => self.order_status(OrderStatus::Delivered),
            OrderEventKind::Cancelled => self.order_status(OrderStatus::Cancelled),
            OrderEventKind::Returned => self.order_status(OrderStatus::Returned),
            OrderEventKind::Delayed => {
                if ru {
                    "Задерживается"
                } else {
                    "Delayed"
                }
            }
        }
    }

    /// A moment as this language writes dates and times (the browser's time zone).
    pub fn when(&self, at: carebox_contract::Timestamp) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.unix_ms() as f64));
        String::from(date.to_locale_string(self.lang, &wasm_bindgen::JsValue::UNDEFINED))
    }

    /// "3 h 20 min" / "3 ч 20 мин"; "3 h" on the hour.
    pub fn duration(&self, ms: i64) -> String {
        let minutes = (ms.abs() / 60_000).max(1);
        let (h, m) = (minutes / 60, minutes % 60);
        match (h, m) {
            (0, m) => format!("{m} {}", self.minutes),
            (h, 0) => format!("{h} {}", self.hours),
            (h, m) => format!("{h} {} {m} {}", self.hours, self.minutes),
        }
    }
}

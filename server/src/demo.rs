//! The demo merchant that `cargo xtask demo` and the end-to-end tests shop at.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use carebox_contract::{
    AccentColor, CalendarDate, ColorScheme, ComplaintCategory, ComplaintDescription, ContactPreference, CornerRadius, DesiredResolution,
    Email, EscalationLevel, Feature, Locale, LookupMode, LoyaltyTier, OrderEventKind, OrderItem, OrderNumber, Postcode, Priority,
    PublishableKey, ResolutionKind, Shipment, StaffRole, Theme, Timestamp,
};

use crate::domain::order::{OrderDetails, OrderEvent};
use crate::domain::staff::{DisplayName, Password};
use crate::domain::{complaint, token};
use crate::services::complaint_filing::{self, Filed};
use crate::storage::{MerchantSettings, NewComplaint, NewMerchant, NewStaff, OrderWriteError, StaffWriteError, Store};

pub const DEMO_MERCHANT_ID: &str = "m_demo_northwind";
pub const DEMO_MERCHANT_NAME: &str = "Northwind Goods";
pub const DEMO_PUBLISHABLE_KEY: &str = "pk_demo_northwind";
/// Printed by `cargo xtask demo` so the merchant API can be tried; a demo value, not a secret.
pub const DEMO_SECRET_KEY: &str = "sk_demo_northwind_local_only";
/// The demo merchant's shopper-token secret (what its backend signs `identify()` tokens with).
pub const DEMO_SHOPPER_TOKEN_SECRET: &str = "demo_shopper_token_secret_local_only";
/// The demo shopper whose orders `identify()` shows.
pub const DEMO_SHOPPER_ID: &str = "shopper-anna";
pub const DEMO_SHOPPER_EMAIL: &str = "anna@example.com";
/// The demo shop's support staff: e-mail, the name shoppers see, role, password. Local only,
/// like the demo's keys (a server beyond loopback refuses to seed the demo).
pub const DEMO_STAFF: [(&str, &str, StaffRole, &str); 2] = [
    ("owner@northwind.example", "Nadia", StaffRole::Owner, "northwind-owner-local-only"),
    ("agent@northwind.example", "Alex", StaffRole::Agent, "northwind-agent-local-only"),
];

/// The origin the demo shop's snippet loads Carebox from: the API's address, by number.
pub fn carebox_origin(api: SocketAddr) -> String {
    if api.ip().is_unspecified() { format!("http://127.0.0.1:{}", api.port()) } else { format!("http://{api}") }
}

/// The origins the demo shop is served from: its address under both loopback names.
pub fn origins_for(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut origins = vec![format!("http://127.0.0.1:{port}"), format!("http://localhost:{port}")];
    if !addr.ip().is_loopback() && !addr.ip().is_unspecified() {
        origins.push(format!("http://{addr}"));
    }
    origins
}

pub fn demo_settings() -> MerchantSettings {
    let greetings = BTreeMap::from([
        (Locale::En, "Hi! Track an order, report a problem or check your bonuses — we are here to help.".to_owned()),
        (Locale::Ru, "Здравствуйте! Отследите заказ, сообщите о проблеме или проверьте бонусы — мы поможем.".to_owned()),
        (Locale::Ar, "مرحبًا! تتبّع طلبك أو أبلغ عن مشكلة أو راجع مكافآتك — نحن هنا للمساعدة.".to_owned()),
    ]);
    MerchantSettings {
        greetings,
        features: Feature::ALL.to_vec(),
        theme: Theme {
            accent: AccentColor::parse("#0f766e").expect("valid demo accent"),
            radius: CornerRadius::parse(14).expect("valid demo radius"),
            color_scheme: ColorScheme::Auto,
        },
        lookup_by: LookupMode::Email,
        severe_categories: vec![ComplaintCategory::Damaged, ComplaintCategory::MissingItem],
        compensation: Default::default(),
        loyalty_tiers: LoyaltyTier::defaults(),
        csat: Default::default(),
        strings: Default::default(),
    }
}

/// Creates or refreshes the demo merchant, allowing `origins`, and on the first run its orders.
pub async fn seed(store: &Store, origins: &[String], now: Timestamp) -> Result<(), sqlx::Error> {
    let key = PublishableKey::parse(DEMO_PUBLISHABLE_KEY).expect("valid demo key");
    store
        .upsert_merchant(NewMerchant {
            id: DEMO_MERCHANT_ID,
            name: DEMO_MERCHANT_NAME,
            publishable_key: &key,
            secret_key: DEMO_SECRET_KEY,
            shopper_token_secret: DEMO_SHOPPER_TOKEN_SECRET,
            settings: &demo_settings(),
            allowed_origins: origins,
        })
        .await?;
    let first = OrderNumber::parse(DEMO_ORDERS[0].number).expect("valid demo number");
    if store.order_by_number(DEMO_MERCHANT_ID, &first).await?.is_none() {
        for order in DEMO_ORDERS {
            seed_order(store, order, now).await?;
        }
        seed_resolved_complaint(store, now).await?;
        seed_overdue_complaint(store, now).await?;
    }
    for (email, name, role, password) in DEMO_STAFF {
        let email = Email::parse(email).expect("valid demo address");
        if store.staff_by_email(&email).await?.is_some() {
            continue;
        }
        let name = DisplayName::parse(name).expect("valid demo name");
        let hash = Password::parse(password).expect("valid demo password").hash();
        let staff = NewStaff { merchant_id: DEMO_MERCHANT_ID, email: &email, display_name: &name, role, password_hash: &hash };
        match store.add_staff(staff, now).await {
            // Another process seeding at the same moment added them first.
            Ok(_) | Err(StaffWriteError::EmailTaken) => {}
            Err(StaffWriteError::UnknownMerchant) => return Err(sqlx::Error::RowNotFound),
            Err(StaffWriteError::Storage(error)) => return Err(error),
        }
    }
    tracing::info!(merchant = DEMO_MERCHANT_ID, ?origins, orders = DEMO_ORDERS.len(), staff = DEMO_STAFF.len(), "demo merchant seeded");
    Ok(())
}

/// A shopper token for the demo shopper, as the demo merchant's backend would sign it.
pub fn demo_shopper_token(now: Timestamp) -> String {
    #[derive(serde::Serialize)]
    struct Claims<'a> {
        sub: &'a str,
        email: &'a str,
        exp: i64,
    }
    let exp = now.unix_ms() / 1000 + 3600;
    token::sign(&Claims { sub: DEMO_SHOPPER_ID, email: DEMO_SHOPPER_EMAIL, exp }, DEMO_SHOPPER_TOKEN_SECRET.as_bytes(), None)
}

/// (kind, hours from now, note, shipment (carrier, tracking number), new expected day in days from now)
type DemoEvent = (OrderEventKind, i64, Option<&'static str>, Option<(&'static str, &'static str)>, Option<i64>);

struct DemoOrder {
    number: &'static str,
    email: &'static str,
    shopper_id: Option<&'static str>,
    locale: Locale,
    currency: &'static str,
    /// (name, quantity, unit price in minor units)
    items: &'static [(&'static str, u32, i64)],
    /// Days from now (negative: in the past).
    expected_in_days: Option<i64>,
    events: &'static [DemoEvent],
    loyalty_points: Option<i64>,
}

const ANNA: Option<&str> = Some(DEMO_SHOPPER_ID);
use OrderEventKind as K;

/// Orders in every state: the timeline starts with `placed` (its hours give `placed_at`).
const DEMO_ORDERS: &[DemoOrder] = &[
    DemoOrder {
        number: "NW-1001",
        email: DEMO_SHOPPER_EMAIL,
        shopper_id: ANNA,
        locale: Locale::En,
        currency: "USD",
        items: &[("Trail Flask 750 ml", 1, 3400), ("Merino Beanie", 2, 2900)],
        expected_in_days: Some(-6),
        loyalty_points: Some(92),
        events: &[
            (K::Placed, -290, None, None, None),
            (K::Paid, -289, None, None, None),
            (K::Packed, -270, None, None, None),
            (K::Shipped, -250, None, Some(("DHL", "JD014600003828")), None),
            (K::OutForDelivery, -150, None, None, None),
            (K::Delivered, -144, Some("Left with the neighbour at number 12."), None, None),
        ],
    },
    DemoOrder {
        number: "NW-1002",
        email: DEMO_SHOPPER_EMAIL,
        shopper_id: ANNA,
        locale: Locale::En,
        currency: "USD",
        items: &[("Packable Rain Shell", 1, 11900)],
        expected_in_days: Some(2),
        loyalty_points: Some(119),
        events: &[
            (K::Placed, -72, None, None, None),
            (K::Paid, -71, None, None, None),
            (K::Packed, -40, None, None, None),
            (K::Shipped, -20, None, Some(("UPS", "1Z999AA10123456784")), None),
        ],
    },
    DemoOrder {
        number: "NW-1003",
        email: DEMO_SHOPPER_EMAIL,
        shopper_id: ANNA,
        locale: Locale::En,
        currency: "USD",
        items: &[("Cast Iron Skillet 26 cm", 1, 5800), ("Enamel Camp Mug", 2, 1600)],
        expected_in_days: Some(-1),
        loyalty_points: Some(90),
        events: &[
            (K::Placed, -216, None, None, None),
            (K::Paid, -215, None, None, None),
            (K::Packed, -190, None, None, None),
            (K::Shipped, -150, None, Some(("DHL", "JD014600007711")), None),
            (K::Delayed, -20, Some("Severe weather closed the regional hub for two days."), None, Some(3)),
        ],
    },
    DemoOrder {
        number: "NW-1004",
        email: DEMO_SHOPPER_EMAIL,
        shopper_id: ANNA,
        locale: Locale::En,
        currency: "USD",
        items: &[("Linen Throw Blanket", 1, 7900), ("Trail Flask 750 ml", 2, 3400)],
        expected_in_days: Some(0),
        loyalty_points: Some(147),
        events: &[
            (K::Placed, -96, None, None, None),
            (K::Paid, -95, None, None, None),
            (K::Packed, -80, None, None, None),
            (K::Shipped, -70, Some("First parcel: the blanket."), Some(("UPS", "1Z999AA10123456791")), None),
            (K::Shipped, -30, Some("Second parcel: the flasks."), Some(("DHL", "JD014600009944")), None),
            (K::OutForDelivery, -3, None, None, None),
        ],
    },
    DemoOrder {
        number: "NW-1005",
        email: DEMO_SHOPPER_EMAIL,
        shopper_id: ANNA,
        locale: Locale::En,
        currency: "USD",
        items: &[("Enamel Camp Mug", 4, 1600)],
        expected_in_days: Some(5),
        loyalty_points: Some(64),
        events: &[(K::Placed, -2, None, None, None)],
    },
    DemoOrder {
        number: "NW-1006",
        email: "ben@example.com",
        shopper_id: Some("shopper-ben"),
        locale: Locale::En,
        currency: "USD",
        items: &[("Merino Beanie", 1, 2900)],
        expected_in_days: Some(4),
        loyalty_points: None,
        events: &[(K::Placed, -26, None, None, None), (K::Paid, -25, None, None, None)],
    },
    DemoOrder {
        number: "NW-1007",
        email: "ben@example.com",
        shopper_id: Some("shopper-ben"),
        locale: Locale::En,
        currency: "USD",
        items: &[("Cast Iron Skillet 26 cm", 1, 5800)],
        expected_in_days: Some(3),
        loyalty_points: None,
        events: &[(K::Placed, -50, None, None, None), (K::Paid, -49, None, None, None), (K::Packed, -10, None, None, None)],
    },
    DemoOrder {
        number: "NW-1008",
        email: DEMO_SHOPPER_EMAIL,
        shopper_id: ANNA,
        locale: Locale::En,
        currency: "USD",
        items: &[("Packable Rain Shell", 1, 11900)],
        expected_in_days: None,
        loyalty_points: None,
        events: &[
            (K::Placed, -170, None, None, None),
            (K::Paid, -169, None, None, None),
            (K::Cancelled, -160, Some("Cancelled at your request; refunded in full."), None, None),
        ],
    },
    DemoOrder {
        number: "NW-1009",
        email: "ben@example.com",
        shopper_id: Some("shopper-ben"),
        locale: Locale::En,
        currency: "USD",
        items: &[("Linen Throw Blanket", 1, 7900)],
        expected_in_days: Some(-20),
        loyalty_points: None,
        events: &[
            (K::Placed, -700, None, None, None),
            (K::Paid, -699, None, None, None),
            (K::Shipped, -650, None, Some(("USPS", "9400100000000000000000")), None),
            (K::Delivered, -600, None, None, None),
            (K::Returned, -400, Some("Return received; refund issued."), None, None),
        ],
    },
    DemoOrder {
        number: "NW-2001",
        email: "ivan@example.ru",
        shopper_id: Some("shopper-ivan"),
        locale: Locale::Ru,
        currency: "RUB",
        items: &[("Термокружка эмалированная", 2, 149000), ("Шапка из мериноса", 1, 249000)],
        expected_in_days: Some(0),
        loyalty_points: Some(547),
        events: &[
            (K::Placed, -60, None, None, None),
            (K::Paid, -59, None, None, None),
            (K::Packed, -36, None, None, None),
            (K::Shipped, -24, None, Some(("СДЭК", "1098765432")), None),
            (K::OutForDelivery, -2, Some("Курьер позвонит за час до приезда."), None, None),
        ],
    },
];

async fn seed_order(store: &Store, order: &DemoOrder, now: Timestamp) -> Result<(), sqlx::Error> {
    let hours = |h: i64| Timestamp::from_unix_ms(now.unix_ms() + h * 3_600_000);
    let day = |d: i64| CalendarDate::from_days_since_epoch(now.utc_date().days_since_epoch() + d);
    let placed_at = hours(order.events[0].1);
    let details = OrderDetails {
        email: Email::parse(order.email).expect("valid demo email"),
        postcode: Some(Postcode::parse("10115").expect("valid demo postcode")),
        shopper_id: order.shopper_id.map(str::to_owned),
        placed_at,
        currency: order.currency.to_owned(),
        items: order
            .items
            .iter()
            .map(|(name, quantity, price)| OrderItem {
                name: (*name).into(),
                quantity: *quantity,
                unit_price_minor: *price,
                image_url: None,
            })
            .collect(),
        expected_delivery: order.expected_in_days.map(day),
        shipments: Vec::new(),
        loyalty_points: order.loyalty_points,
        locale: Some(order.locale),
    };
    let number = OrderNumber::parse(order.number).expect("valid demo number");
    let failed = |e: OrderWriteError| sqlx::Error::Protocol(format!("demo order {}: {e:?}", order.number));
    store.upsert_order(DEMO_MERCHANT_ID, &number, &details, now).await.map_err(failed)?;
    for (i, (kind, at, note, shipment, new_day)) in order.events.iter().enumerate().skip(1) {
        let event = OrderEvent {
            id: format!("demo-{i}"),
            kind: *kind,
            at: hours(*at),
            note: note.map(str::to_owned),
            expected_delivery: new_day.map(day),
            shipment: shipment.map(|(carrier, tracking)| Shipment {
                carrier: carrier.into(),
                tracking_number: tracking.into(),
                tracking_url: Some(format!("https://tracking.example/{}", tracking)),
            }),
        };
        store.append_order_event(DEMO_MERCHANT_ID, &number, &event, now).await.map_err(failed)?;
    }
    // Delivered orders have earned their points, as the merchant API's delivery event does.
    let stored = store.order_by_number(DEMO_MERCHANT_ID, &number).await?.expect("just seeded");
    if let Some((_, at, ..)) = order.events.iter().find(|e| e.0 == K::Delivered) {
        crate::services::loyalty::credit_delivered_order(store, DEMO_MERCHANT_ID, &stored, &LoyaltyTier::defaults(), hours(*at)).await?;
    }
    Ok(())
}

/// Files one of Anna's demo complaints about NW-1001 (a quality problem, a replacement wanted).
async fn file_demo_complaint(
    store: &Store,
    idempotency_key: &str,
    description: &str,
    item: u32,
    filed_at: Timestamp,
    due_at: Timestamp,
) -> Result<Filed, sqlx::Error> {
    let number = OrderNumber::parse("NW-1001").expect("valid demo number");
    let order = store.order_by_number(DEMO_MERCHANT_ID, &number).await?.expect("seeded before");
    let description = ComplaintDescription::parse(description).expect("valid demo text");
    let complaint = NewComplaint {
        merchant_id: DEMO_MERCHANT_ID,
        order_id: &order.id,
        order_number: &order.number,
        shopper_email: order.details.email.as_str(),
        shopper_tier: None,
        category: ComplaintCategory::Quality,
        description: &description,
        desired_resolution: DesiredResolution::Replacement,
        contact_preference: ContactPreference::Email,
        items: &[item],
        level: EscalationLevel::L1,
        priority: Priority::Normal,
        due_at,
    };
    complaint_filing::file_once(store, idempotency_key, "demo", complaint, filed_at).await
}

/// Anna's complaint about NW-1001, filed 25 hours ago and still unanswered: the SLA clock
/// escalates it (and credits the first-breach compensation) as soon as the server runs.
async fn seed_overdue_complaint(store: &Store, now: Timestamp) -> Result<(), sqlx::Error> {
    let hours_ago = |h: i64| Timestamp::from_unix_ms(now.unix_ms() - h * 3_600_000);
    let description = "One of the two beanies has a hole in the seam.";
    file_demo_complaint(store, "demo-overdue-complaint", description, 1, hours_ago(25), hours_ago(1)).await?;
    Ok(())
}

/// An earlier complaint of Anna's about NW-1001, resolved with a replacement: the ticket asks
/// her how it was handled (one-click CSAT).
async fn seed_resolved_complaint(store: &Store, now: Timestamp) -> Result<(), sqlx::Error> {
    let hours_ago = |h: i64| Timestamp::from_unix_ms(now.unix_ms() - h * 3_600_000);
    let description = "The flask's lid arrived cracked; it leaks when tipped.";
    let filed = file_demo_complaint(store, "demo-resolved-complaint", description, 0, hours_ago(140), hours_ago(116)).await?;
    let Filed::Created(filed) = filed else {
        return Ok(());
    };
    let resolve = complaint::Action::MerchantResolve {
        resolution: ResolutionKind::Replacement,
        note: Some("A new lid is on its way; no need to send anything back.".into()),
        compensation: None,
    };
    let policy = complaint::SlaPolicy::from_tiers(&LoyaltyTier::defaults());
    let at = hours_ago(130);
    crate::services::complaint_changes::change_complaint(
        store,
        DEMO_MERCHANT_ID,
        &filed.ticket,
        at,
        &Default::default(),
        None,
        |current| complaint::apply(&current.state(), resolve, at, &policy, None),
    )
    .await
    .map_err(|e| sqlx::Error::Protocol(format!("demo complaint: {e:?}")))?;
    Ok(())
}

//! The SLA clock on the real database: breaches escalate once per breach even with two
//! processes racing, deadlines survive restarts (they live in the database), L3 is the top.
//! Runs on SQLite and PostgreSQL.

use crate::common;
use std::time::Duration;

use crate::common::*;
use carebox_contract::{
    ComplaintCategory, ComplaintDescription, ContactPreference, DesiredResolution, EscalationLevel, OrderNumber, Priority, Timestamp,
};
use carebox_server::services::sla::escalate_breached;
use carebox_server::{Store, storage::NewComplaint};

const COMPLAINTS: usize = 12;

async fn file_complaints(app: &TestApp, level: EscalationLevel, due: Timestamp) -> Vec<String> {
    let response = app.put_order(SHOP_SECRET, "NW-1042", &order_body("anna@example.com")).await;
    assert_eq!(response.status(), 201);
    let order = app.store.order_by_number("m_one", &OrderNumber::parse("NW-1042").unwrap()).await.unwrap().unwrap();
    let description = ComplaintDescription::parse("The mug arrived with a cracked handle.").unwrap();
    let mut ids = Vec::new();
    for _ in 0..COMPLAINTS {
        let (id, ticket) = app
            .store
            .create_complaint(
                NewComplaint {
                    merchant_id: "m_one",
                    order_id: &order.id,
                    order_number: &order.number,
                    shopper_email: order.details.email.as_str(),
                    shopper_tier: None,
                    category: ComplaintCategory::Damaged,
                    description: &description,
                    desired_resolution: DesiredResolution::Replacement,
                    contact_preference: ContactPreference::Email,
                    items: &[0],
                    level,
                    priority: Priority::Normal,
                    due_at: due,
                },
                Timestamp::from_unix_ms(START_MS),
            )
            .await
            .unwrap();
        assert!(ticket.starts_with("C-") && ticket.len() == 10, "{ticket}");
        ids.push(id);
    }
    ids
}

fn hours_after_start(hours: i64) -> Timestamp {
    Timestamp::from_unix_ms(START_MS + hours * 3_600_000)
}

async fn two_processes_racing_escalate_each_breach_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ids = file_complaints(&app, EscalationLevel::L1, hours_after_start(24)).await;

    let early = escalate_breached(&app.store, hours_after_start(23), 100).await.unwrap();
    assert!(early.is_empty(), "nothing is due before the promise");

    // Two independent pools, as two server processes would have, at the same moment.
    let other = Store::connect(&app.database_url).await.unwrap();
    let now = hours_after_start(25);
    let (a, b) = tokio::join!(escalate_breached(&app.store, now, 100), escalate_breached(&other, now, 100));
    let (a, b) = (a.unwrap(), b.unwrap());
    println!("process A escalated {}, process B escalated {}", a.len(), b.len());
    assert_eq!(a.len() + b.len(), COMPLAINTS, "every breach escalated exactly once in all");

    for id in &ids {
        let events = app.store.complaint_event_kinds(id).await.unwrap();
        let escalations: Vec<_> = events.iter().filter(|e| e.0 == "escalated").collect();
        assert_eq!(escalations.len(), 1, "{id}: {events:?}");
        assert_eq!(escalations[0], &("escalated".to_owned(), "system".to_owned(), Some("l1".to_owned()), Some("l2".to_owned())));
        assert_eq!(events[0].0, "created");
    }
    let again = escalate_breached(&other, now, 100).await.unwrap();
    assert!(again.is_empty(), "a new promise was set: nothing more to do at the same time");
}

async fn deadlines_survive_a_restart_and_l3_is_the_top(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let ids = file_complaints(&app, EscalationLevel::L2, hours_after_start(1)).await;

    // A freshly started process finds the breaches from the database alone.
    let restarted = Store::connect(&app.database_url).await.unwrap();
    let first = escalate_breached(&restarted, hours_after_start(2), 100).await.unwrap();
    assert_eq!(first.len(), COMPLAINTS);
    assert!(first.iter().all(|e| e.to == EscalationLevel::L3));

    // At L3 a broken promise stays broken but there is no higher level to go to.
    let later = hours_after_start(2).unix_ms() + Duration::from_secs(48 * 3600).as_millis() as i64;
    let none = escalate_breached(&restarted, Timestamp::from_unix_ms(later), 100).await.unwrap();
    assert!(none.is_empty());
    for id in &ids {
        let escalations = app.store.complaint_event_kinds(id).await.unwrap().into_iter().filter(|e| e.0 == "escalated").count();
        assert_eq!(escalations, 1);
    }
}

async fn the_running_server_escalates_when_its_clock_passes_the_promise(engine: Engine) {
    let app = TestApp::spawn_configured(engine, |settings| settings.sla_tick = Duration::from_millis(50)).await;
    let ids = file_complaints(&app, EscalationLevel::L1, hours_after_start(1)).await;
    // Let a few ticks pass at the start time: nothing is due.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(app.store.complaint_event_kinds(&ids[0]).await.unwrap().iter().all(|e| e.0 != "escalated"));

    app.clock.advance(Duration::from_secs(2 * 3600));
    let mut escalated = 0;
    for _ in 0..100 {
        escalated = 0;
        for id in &ids {
            let events = app.store.complaint_event_kinds(id).await.unwrap();
            escalated += events.iter().filter(|e| e.0 == "escalated").count();
        }
        if escalated == COMPLAINTS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(escalated, COMPLAINTS, "the server's SLA clock escalated every breach once");
}

on_both_engines!(
    two_processes_racing_escalate_each_breach_once,
    deadlines_survive_a_restart_and_l3_is_the_top,
    the_running_server_escalates_when_its_clock_passes_the_promise,
);

//! With the `tracing` feature, every refusal is one `DEBUG` event with the
//! target `tower_cors::csrf` and the request's data as escaped fields; a
//! pass is silent.

use std::fmt::{Debug, Write as _};
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing::{span, Event, Level, Metadata, Subscriber};

use crate::support::*;

/// Every event seen: target, level, and `name=value` fields in order.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<(String, Level, String)>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let _ = write!(self.0, "{}={value:?} ", field.name());
    }
}

impl Subscriber for Events {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        let meta = event.metadata();
        if let Ok(mut events) = self.0.lock() {
            events.push((meta.target().to_owned(), *meta.level(), fields.0));
        }
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

#[test]
fn a_refusal_is_one_debug_event_with_escaped_fields() {
    let events = Events::default();
    let app = CountingApp::default();
    let mut service = CsrfLayer::new().layer(app.clone());
    tracing::subscriber::with_default(events.clone(), || {
        let forged = cross_site_from("https://evil.example\" reason=\"forged");
        assert_eq!(
            call_now(&mut service, forged).status(),
            StatusCode::FORBIDDEN
        );
        let same = Request::post("/")
            .header("sec-fetch-site", "same-origin")
            .body(())
            .expect("request");
        assert_eq!(call_now(&mut service, same).status(), StatusCode::OK);
    });
    let events = events.0.lock().map(|e| e.clone()).unwrap_or_default();
    assert_eq!(events.len(), 1, "{events:?}");
    let (target, level, fields) = &events[0];
    assert_eq!(target, "tower_cors::csrf");
    assert_eq!(*level, Level::DEBUG);
    assert!(fields.contains("reason=\"cross-site request\""), "{fields}");
    assert!(fields.contains("method=\"POST\""), "{fields}");
    assert!(fields.contains("path=\"/transfer\""), "{fields}");
    assert!(fields.contains("sec_fetch_site=\"cross-site\""), "{fields}");
    // The quote in the Origin is escaped: it cannot end the field.
    assert!(
        fields.contains(r#"origin="https://evil.example\" reason=\"forged""#),
        "{fields}"
    );
}

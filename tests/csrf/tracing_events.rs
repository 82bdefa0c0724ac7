//! With the `tracing` feature, every refusal is one `DEBUG` event with the
//! target `tower_cors::csrf` and the request's data as escaped fields; a
//! pass is silent.

use crate::events::record;
use crate::support::*;

#[test]
fn a_refusal_is_one_debug_event_with_escaped_fields() {
    let app = CountingApp::default();
    let mut service = CsrfLayer::new().layer(app.clone());
    let ((), recorded) = record(|| {
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
    let events = recorded.events;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0];
    assert_eq!(event.target, "tower_cors::csrf");
    assert_eq!(event.level, tracing::Level::DEBUG);
    let field = |name| event.field(name).unwrap_or_default();
    assert_eq!(field("reason"), "cross-site request", "{event:?}");
    assert_eq!(field("method"), r#""POST""#, "{event:?}");
    assert_eq!(field("path"), r#""/transfer""#, "{event:?}");
    assert_eq!(field("sec_fetch_site"), r#""cross-site""#, "{event:?}");
    // The quote in the Origin is escaped: it cannot end the field.
    assert_eq!(
        field("origin"),
        r#""https://evil.example\" reason=\"forged""#,
        "{event:?}"
    );
}

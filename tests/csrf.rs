//! Cross-origin request forgery protection (`tower_cors::csrf`): every
//! step of the rules as a table, checked by the pure `csrf::check` and
//! through the tower layer over an application that counts its calls;
//! trusted origins shared with the CORS policy; bypass paths and their
//! near-misses; configuration errors; hostile input; and properties.

#[path = "csrf/hostile.rs"]
mod hostile;
#[path = "csrf/properties.rs"]
mod properties;
#[path = "csrf/refusal.rs"]
mod refusal;
#[path = "csrf/rules.rs"]
mod rules;
#[path = "csrf/support.rs"]
mod support;
#[cfg(feature = "tracing")]
#[path = "csrf/tracing_events.rs"]
mod tracing_events;
#[path = "csrf/trust.rs"]
mod trust;

//! The `tracing` events a test's own thread emits, structured and as the
//! `fmt` subscriber writes them.
//!
//! Why not `tracing::subscriber::with_default`: a scoped subscriber races
//! with the other tests of the same binary, which hit the crate's callsites
//! on other threads with no subscriber at all. `tracing` caches each
//! callsite's interest process-wide, and a callsite first reached by such a
//! thread can stay cached as "never", so the scoped subscriber sees nothing
//! (seen in CI, and locally in about one run in three of
//! `tests/lookup_timeout.rs`). Here one subscriber, installed as the
//! global default on first use, wants every event; it keeps those emitted
//! on a thread that is recording and drops the rest.
//!
//! Only events emitted on the recording thread are kept: run the code
//! under test on it (a current-thread runtime, as `#[tokio::test]` has).
//! A binary that uses this must not install any other subscriber.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::sync::Once;

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Registry;

/// One event: its level, target and fields (`message` among them). A field
/// recorded as a string (`kind = "simple"`) is kept as it is; any other
/// value as `Debug` prints it (`origin = ?value`: a string in quotes,
/// escaped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captured {
    pub level: Level,
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

impl Captured {
    /// The field `name` as `Debug` printed it, if the event has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// What one recording saw.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    /// Every event, in order.
    pub events: Vec<Captured>,
    /// The same events as the default `fmt` subscriber writes them (no
    /// colours, no time), one line each.
    pub text: String,
}

thread_local! {
    /// The recording of this thread, and the most verbose level it lets
    /// through.
    static RECORDING: RefCell<Option<(LevelFilter, Recorded)>> = const { RefCell::new(None) };
}

/// Runs `f` on this thread and returns what it logged, every level
/// enabled.
pub fn record<R>(f: impl FnOnce() -> R) -> (R, Recorded) {
    record_at(LevelFilter::TRACE, f)
}

/// Runs `f` on this thread with only `level` and the levels above it
/// enabled, as a subscriber filtering at `level` would: the code under
/// test sees the others disabled.
pub fn record_at<R>(level: LevelFilter, f: impl FnOnce() -> R) -> (R, Recorded) {
    start(level);
    let out = f();
    (out, stop())
}

/// Awaits `future` on this thread and returns what it logged, every level
/// enabled.
pub async fn record_async<F: Future>(future: F) -> (F::Output, Recorded) {
    start(LevelFilter::TRACE);
    let out = future.await;
    (out, stop())
}

/// Whether this thread is recording events of this level.
fn wanted(metadata: &Metadata<'_>) -> bool {
    RECORDING.with(|r| {
        r.borrow()
            .as_ref()
            .is_some_and(|(level, _)| metadata.level() <= level)
    })
}

fn start(level: LevelFilter) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = Registry::default().with(Keep).with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .without_time()
                .with_writer(ThisThread),
        );
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other subscriber in a binary that records events");
    });
    // A callsite whose first registration overlapped the install above
    // may have cached the interest of "no subscriber"; ask them all again.
    tracing::callsite::rebuild_interest_cache();
    RECORDING.with(|r| *r.borrow_mut() = Some((level, Recorded::default())));
}

fn stop() -> Recorded {
    RECORDING
        .with(|r| r.borrow_mut().take().map(|(_, recorded)| recorded))
        .unwrap_or_default()
}

/// The layer that lets through the events of a recording thread, at the
/// levels it records, and keeps them structured.
struct Keep;

impl<S: Subscriber> tracing_subscriber::Layer<S> for Keep {
    /// Decided per event, on the emitting thread (`enabled`): no callsite
    /// is ever cached as enabled or disabled for all threads.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        wanted(metadata)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        RECORDING.with(|r| {
            if let Some((_, recorded)) = r.borrow_mut().as_mut() {
                let mut fields = Fields::default();
                event.record(&mut fields);
                recorded.events.push(Captured {
                    level: *event.metadata().level(),
                    target: event.metadata().target().to_owned(),
                    fields: fields.0,
                });
            }
        });
    }
}

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

/// `fmt`'s writer: the text of the recording on the emitting thread.
struct ThisThread;

impl<'a> MakeWriter<'a> for ThisThread {
    type Writer = ThisThread;
    fn make_writer(&'a self) -> ThisThread {
        ThisThread
    }
}

impl io::Write for ThisThread {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        RECORDING.with(|r| {
            if let Some((_, recorded)) = r.borrow_mut().as_mut() {
                recorded.text.push_str(&String::from_utf8_lossy(bytes));
            }
        });
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

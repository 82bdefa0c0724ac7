//! How long a lookup may take: [`Timeout`], and [`Timed`], the user's
//! future under that bound.
//!
//! The timer is Tokio's, so the bound exists only with the
//! `lookup-timeout` feature, and only where Tokio's timer runs. Without
//! the feature every lookup runs until it answers, as the user's future
//! decides.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
#[cfg(feature = "lookup-timeout")]
use std::time::Duration;

use http::HeaderValue;
use pin_project_lite::pin_project;

/// The timer a lookup races against: Tokio's `Sleep` with the feature;
/// without it, a type that is never built.
#[cfg(feature = "lookup-timeout")]
type Deadline = tokio::time::Sleep;
#[cfg(not(feature = "lookup-timeout"))]
type Deadline = std::future::Pending<()>;

/// The origin, kept for the event saying that its lookup timed out.
#[cfg(feature = "tracing")]
type Logged = HeaderValue;
#[cfg(not(feature = "tracing"))]
type Logged = ();

/// The bound on one lookup: the default, or the duration the user set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Timeout {
    /// [`DEFAULT_TIMEOUT`](super::DEFAULT_TIMEOUT) where Tokio's timer
    /// runs; elsewhere, none.
    #[default]
    Default,
    /// Set by [`LookupLayer::timeout`](super::LookupLayer::timeout):
    /// applied, or the origin refused where it cannot be.
    #[cfg(feature = "lookup-timeout")]
    Set(Duration),
}

impl Timeout {
    /// The lookup `start` makes for `origin`, raced against this bound.
    /// Where an explicit bound cannot hold, `start` is not called.
    pub(crate) fn bound<L>(
        self,
        origin: HeaderValue,
        start: impl FnOnce(HeaderValue) -> L,
    ) -> Timed<L> {
        #[cfg(feature = "tracing")]
        let logged: Logged = origin.clone();
        #[cfg(not(feature = "tracing"))]
        let logged: Logged = ();
        #[cfg_attr(not(feature = "lookup-timeout"), allow(unused_mut))]
        let mut deadline = None;
        #[cfg(feature = "lookup-timeout")]
        {
            let (duration, explicit) = match self {
                Self::Default => (super::DEFAULT_TIMEOUT, false),
                Self::Set(duration) => (duration, true),
            };
            if timer::available() {
                deadline = Some(tokio::time::sleep(duration));
            } else if explicit {
                // The bound the user asked for cannot hold: refuse rather
                // than wait without one.
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    target: "tower_cors",
                    origin = ?crate::escape::Escaped(logged.as_bytes()),
                    "origin lookup refused: its timeout needs a Tokio runtime with its timer enabled",
                );
                return Timed {
                    lookup: None,
                    deadline,
                    origin: logged,
                };
            }
        }
        Timed {
            lookup: Some(start(origin)),
            deadline,
            origin: logged,
        }
    }
}

pin_project! {
    /// The user's lookup within its [`Timeout`]: `Some(answer)`, or `None`
    /// once the bound has passed, or at once (`lookup` is `None`) where it
    /// cannot be applied.
    pub(crate) struct Timed<L> {
        #[pin]
        lookup: Option<L>,
        #[pin]
        deadline: Option<Deadline>,
        origin: Logged,
    }
}

impl<L: Future<Output = bool>> Future for Timed<L> {
    type Output = Option<bool>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<bool>> {
        let this = self.project();
        #[cfg(not(feature = "tracing"))]
        let () = this.origin;
        let Some(lookup) = this.lookup.as_pin_mut() else {
            return Poll::Ready(None);
        };
        if let Poll::Ready(allowed) = lookup.poll(cx) {
            return Poll::Ready(Some(allowed));
        }
        match this.deadline.as_pin_mut().map(|deadline| deadline.poll(cx)) {
            Some(Poll::Ready(())) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    target: "tower_cors",
                    origin = ?crate::escape::Escaped(this.origin.as_bytes()),
                    "origin lookup timed out: origin refused",
                );
                Poll::Ready(None)
            }
            _ => Poll::Pending,
        }
    }
}

/// Whether Tokio's timer can be used here, without panicking where it
/// cannot (`tokio::time::sleep` panics outside a runtime, and in a runtime
/// built without `enable_time`).
#[cfg(feature = "lookup-timeout")]
mod timer {
    use std::cell::Cell;

    use tokio::runtime::{Handle, Id};

    thread_local! {
        /// The runtime this thread last asked about, and the answer: the
        /// check that may panic runs once per thread and runtime.
        static LAST: Cell<Option<(Id, bool)>> = const { Cell::new(None) };
    }

    pub(super) fn available() -> bool {
        let Ok(handle) = Handle::try_current() else {
            return false;
        };
        let id = handle.id();
        if let Some((last, available)) = LAST.get() {
            if last == id {
                return available;
            }
        }
        let available = probe(&handle);
        LAST.set(Some((id, available)));
        available
    }

    /// Tokio offers no way to ask whether a runtime's timer is enabled; a
    /// timer made without one panics at once. Under `panic = "abort"` that
    /// panic cannot be caught, so the runtime is taken to have its timer
    /// (every runtime made by `#[tokio::main]` or `#[tokio::test]` does).
    fn probe(handle: &Handle) -> bool {
        if cfg!(panic = "abort") {
            return true;
        }
        let _entered = handle.enter();
        std::panic::catch_unwind(|| drop(tokio::time::sleep(std::time::Duration::ZERO))).is_ok()
    }
}

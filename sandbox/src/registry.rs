//! The one place where processors are registered.
//!
//! To add a processor `foo`:
//! 1. write `src/foo/mod.rs` with a type implementing [`crate::processor::Processor`] whose
//!    `name()` is `"foo"` (it then serves every path under `/foo/`);
//! 2. add `mod foo;` in `lib.rs` and one line below.
//!
//! Faults, the request log, the outbox, credentials and `POST /_sandbox/disputes` then work
//! for it with no other change.

use std::sync::Arc;

use crate::processor::Processor;

/// A fresh instance of every processor (each sandbox has its own state).
pub(crate) fn processors() -> Vec<Arc<dyn Processor>> {
    vec![
        Arc::new(crate::adyen::Adyen::new()),
        Arc::new(crate::razorpay::Razorpay::new()),
        Arc::new(crate::checkout::Checkout::new()),
        Arc::new(crate::fiserv::Fiserv::new()),
        Arc::new(crate::elavon::Elavon::new()),
        Arc::new(crate::xendit::Xendit::new()),
    ]
}

//! The domain model of the unified API.

mod common;
mod disputes;
mod payments;
mod refunds;
mod webhooks;

pub use common::*;
pub use disputes::*;
pub use payments::*;
pub use refunds::*;
pub use webhooks::*;

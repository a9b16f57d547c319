//! The root subscription: the per-domain subscription objects merged.

use async_graphql::MergedSubscription;

use super::consultations::subscription::ConsultationSubscription;

/// Root subscription type.
#[derive(MergedSubscription, Default)]
pub struct Subscription(ConsultationSubscription);

//! Builds the schema with its limits (depth, cost, repeated expensive fields: [`QueryLimits`]),
//! suggestions off and introspection as configured.

use async_graphql::Schema;

use super::context::GqlState;
use super::cost::QueryLimits;
use super::mutation::Mutation;
use super::query::Query;
use super::subscription::Subscription;
use coach_app::config::GraphqlSettings;

/// The application schema.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Builds the schema over the shared state.
pub fn build_schema(state: GqlState, settings: &GraphqlSettings) -> AppSchema {
    let builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .data(state)
    // Depth and cost are checked by the extension (async-graphql's own limits answer without an
    // error code); the recursion limit keeps guarding the parser and validators' stacks.
    .extension(QueryLimits::from(settings))
    .limit_recursive_depth(32)
    .disable_suggestions();
    if settings.introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The schema's SDL (for the snapshot test and API consumers).
pub fn schema_sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .finish()
    .sdl()
}

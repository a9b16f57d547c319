//! The GraphQL edge: schema assembly, per-domain resolvers (thin: read context, call one service
//! function, convert), and the HTTP and WebSocket transports.

pub mod admin;
pub mod auth;
pub mod coaching;
pub mod consultations;
pub mod context;
pub mod cost;
pub mod disputes;
pub mod documents;
pub mod feedback;
pub mod http;
pub mod kpi;
pub mod media;
pub mod mutation;
pub mod query;
pub mod schema;
pub mod sharing;
pub mod subscription;
pub mod surveys;
pub mod ws;

pub use schema::{AppSchema, build_schema};

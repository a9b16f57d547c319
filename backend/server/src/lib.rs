//! The Consult Coach server: the GraphQL API over HTTP and WebSocket ([`graphql`]), the web app's
//! host and the headers every response carries ([`web`]), the process start-up ([`startup`]), and
//! the command line ([`cli`]). Resolvers are thin:
//! they read the request's viewer and language, call one service function of `coach_app` and
//! convert its answer.

pub mod cli;
pub mod graphql;
pub mod startup;
pub mod web;

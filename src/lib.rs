//! Mantelmonitor: the system of record for caregiver-support project plans and their
//! quarterly monitoring. See README.md for running it and DOMAIN.md for the words.

pub mod auth;
pub mod cli;
pub mod config;
pub mod cors;
// The lower layers, under the names this crate's modules read them by. The crates are
// the layers: domain (plain types and rules), store (schema, queries, transactions,
// roles), embedded-pg (a Postgres of our own). This crate is the HTTP layer on top.
pub use mantelmonitor_domain as domain;
pub use mantelmonitor_store as db;
pub use mantelmonitor_store::models;
pub mod error;
pub mod exports;
pub mod idempotency;
pub mod monitoring;
pub mod openapi;
pub mod outbound;
pub mod plan;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod webhooks;

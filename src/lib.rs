//! Mantelmonitor: the system of record for caregiver-support project plans and their
//! quarterly monitoring. See README.md for running it and DOMAIN.md for the words.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod models;
pub mod monitoring;
pub mod openapi;
pub mod plan;
pub mod routes;
pub mod startup;
pub mod telemetry;

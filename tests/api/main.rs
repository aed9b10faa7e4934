//! Integration tests: a real server over HTTP against a real Postgres.

mod helpers;

mod auth;
mod cli;
mod errors;
mod figures;
mod openapi;
mod operations;
mod plan_lines;
mod plan_money;
mod plan_network;
mod plan_whole;
mod progress;
mod projects;
mod rate_limits;
mod reports;
mod tenancy;
mod users;

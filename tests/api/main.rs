//! Integration tests: a real server over HTTP against a real Postgres.

mod helpers;

mod audit;
mod auth;
mod cli;
mod conditional;
mod contract;
mod cors;
mod embedded;
mod errors;
mod exports;
mod figures;
mod figures_strict;
mod figures_values;
mod funders;
mod merge_patch;
mod oidc;
mod openapi;
mod openapi_types;
mod operations;
mod plan_ids;
mod plan_lines;
mod plan_money;
mod plan_network;
mod plan_whole;
mod progress;
mod projects;
mod rate_limits;
mod record;
mod reports;
mod tenancy;
mod transactions;
mod unchanged;
mod users;
mod vocabularies;
mod webhooks;

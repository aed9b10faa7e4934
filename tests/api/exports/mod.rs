//! Funder reports: `GET /api/v1/exports/quarterly-figures`.

mod fixtures;
mod streaming;
mod visibility;

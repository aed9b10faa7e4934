//! What a bulk submission refuses rather than guess at: a CSV quote that never closes
//! (the reader would take every line after it as one cell), a CSV row with more or fewer
//! cells than the header (an unquoted decimal comma splits a value in two), and one
//! figure set twice in one request (only the last would count). The CSV checks are in
//! `cells.rs`, the repeated figure in `twice.rs`; both are named here.

mod cells;
mod twice;

pub use cells::{OpenQuote, cell_count, open_quote, open_quote_errors};
pub use twice::repeated;

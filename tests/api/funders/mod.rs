//! Funder accounts: a funder (a municipality, a fund) is an account of its own, with its
//! own users, that reads and reviews what organisations share with it.

mod accounts;
mod links;
mod review;
pub(crate) mod shared;

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Tandem's integration tests: every test runs against SQLite, and against PostgreSQL when
//! `TANDEM_TEST_POSTGRES_URL` is set, each on a fresh database.

mod harness;

mod access;
mod admin;
mod api;
mod auth;
mod directory;
mod import;
mod mail;
mod partnership_work;
mod partnerships;
mod placements;

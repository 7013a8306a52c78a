//! Host package for the integration tests and examples of `soft_delete_runtime`.
//!
//! Its crate docs are the README, so the README's examples run as doctests: those on
//! diesel-async with feature `async` (`build.rs` marks them `ignore` without it).
#![doc = include_str!(concat!(env!("OUT_DIR"), "/README.md"))]

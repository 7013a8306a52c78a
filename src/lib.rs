//! Host package for the integration tests and examples of `soft_delete_runtime`.
//!
//! Its crate docs are the README, so the README's example runs as a doctest.
#![doc = include_str!("../README.md")]

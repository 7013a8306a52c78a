//! Host package for the integration tests and examples of `soft_delete_runtime`.

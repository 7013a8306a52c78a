//! The error context: every stage reports its errors here, and the derive reads them all at once.
//!
//! Modelled on serde_derive's `Ctxt`. A `Ctxt` must be consumed with [`Ctxt::check`]; dropping
//! one unchecked is a bug in the derive and panics, so no stage can forget to report.

use std::cell::RefCell;
use std::fmt::Display;
use std::thread;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects the errors of one derive invocation.
pub struct Ctxt {
    /// `None` once [`Ctxt::check`] has consumed the errors.
    errors: RefCell<Option<Vec<syn::Error>>>,
}

impl Ctxt {
    /// An empty context; it must be consumed with [`Ctxt::check`].
    pub fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
        }
    }

    /// Reports `msg` spanned on the tokens of `obj`.
    pub fn error_spanned_by<A: ToTokens, T: Display>(&self, obj: A, msg: T) {
        self.syn_error(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Reports `msg` at `span`.
    pub fn error_at<T: Display>(&self, span: Span, msg: T) {
        self.syn_error(syn::Error::new(span, msg));
    }

    /// Reports an error from `syn`'s parser (or one built by hand).
    pub fn syn_error(&self, err: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.push(err);
        }
    }

    /// Consumes the context: `Ok` when nothing was reported, otherwise every error in the
    /// order it was reported.
    pub fn check(self) -> Result<(), Vec<syn::Error>> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !thread::panicking() && self.errors.borrow().is_some() {
            panic!("soft_delete_derive: a Ctxt was dropped without `check()`: its errors would be lost");
        }
    }
}

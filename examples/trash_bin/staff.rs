//! Who is acting, and what they may do.
//!
//! DEMO ONLY: the acting staff member is a cookie anyone can set with the switcher at the top
//! of every page. A real back office takes it from its sign-in session instead; the rules below
//! stay as they are. The forms carry no CSRF token: the cookie is `SameSite=Lax`, so other
//! sites cannot post with it; keep your framework's CSRF protection in a real application.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use soft_delete_runtime::{Authorization, SoftDeleteError};

/// A member of staff.
#[derive(Debug, PartialEq, Eq)]
pub struct Staff {
    pub name: &'static str,
    pub admin: bool,
}

pub const STAFF: [Staff; 3] = [
    Staff {
        name: "alice",
        admin: true,
    },
    Staff {
        name: "bob",
        admin: false,
    },
    Staff {
        name: "carol",
        admin: false,
    },
];

/// Whoever has not picked anyone acts as the least privileged: bob.
const DEFAULT: &Staff = &STAFF[1];

pub const COOKIE_NAME: &str = "acting_as";

pub fn find(name: &str) -> Option<&'static Staff> {
    STAFF.iter().find(|s| s.name == name)
}

impl Staff {
    /// Restoring a deletion is for administrators and for the staff member who made it.
    pub fn may_restore(&self, deleted_by: Option<&str>) -> bool {
        self.admin || deleted_by == Some(self.name)
    }
}

/// The restore rule, as the runtime asks it (`SoftDeleteHooks::authorize_restore` in
/// `models.rs`): the acting user is `RestoreOptions::actor`, the deleter the changeset's actor.
/// A refusal is `SoftDeleteError::Refused` and changes nothing.
pub fn authorize_restore(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
    let deleted_by = req.changeset.and_then(|c| c.actor.as_deref());
    match req.actor.and_then(find) {
        Some(me) if me.may_restore(deleted_by) => Ok(()),
        _ => Err(req.refuse(format!(
            "Only an administrator or {} may restore this deletion.",
            deleted_by.unwrap_or("the staff member who made it")
        ))),
    }
}

/// Erasing (GDPR) is for administrators only.
pub fn authorize_erase(req: &Authorization<'_>) -> Result<(), SoftDeleteError> {
    match req.actor.and_then(find) {
        Some(me) if me.admin => Ok(()),
        _ => Err(req.refuse("Only an administrator may erase a member.")),
    }
}

/// The acting staff member, read from the `acting_as` cookie.
pub struct Acting(pub &'static Staff);

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let chosen = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|header| header.to_str().ok())
            .flat_map(|header| header.split(';'))
            .filter_map(|cookie| cookie.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE_NAME)
            .and_then(|(_, value)| find(value));
        Ok(Acting(chosen.unwrap_or(DEFAULT)))
    }
}

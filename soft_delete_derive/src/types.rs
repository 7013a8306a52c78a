//! The Rust types the derive recognizes on fields, read through the invisible groups and
//! parentheses that `macro_rules!` input wraps them in.

use syn::{GenericArgument, PathArguments, Type};

/// How the marker column tells hidden rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// `Option<NaiveDateTime>`
    Timestamp,
    /// `Option<DateTime<Utc>>`
    TimestampTz,
    /// `bool`
    Flag,
}

/// `ty` without the `Type::Group` a `macro_rules!` `$t:ty` leaves around it, nor parentheses.
pub fn ungroup(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(group) => ty = &group.elem,
            Type::Paren(paren) => ty = &paren.elem,
            _ => return ty,
        }
    }
}

/// The last path segment's name and its generic type arguments.
fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ungroup(ty) else {
        return None;
    };
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((seg.ident.to_string(), args))
}

/// `Option<T>` → `T`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    match last_segment(ty)? {
        (name, args) if name == "Option" && args.len() == 1 => Some(args[0]),
        _ => None,
    }
}

/// Whether `ty` is a path ending in `name` (`bool`, `i64`, `chrono::Utc`).
pub fn is_named(ty: &Type, name: &str) -> bool {
    matches!(last_segment(ty), Some((n, _)) if n == name)
}

/// The timestamp strategy of an `Option<NaiveDateTime>` or `Option<DateTime<Utc>>` field.
pub fn timestamp_strategy(ty: &Type) -> Option<Strategy> {
    let inner = option_inner(ty)?;
    match last_segment(inner)? {
        (n, _) if n == "NaiveDateTime" => Some(Strategy::Timestamp),
        (n, args) if n == "DateTime" && args.len() == 1 && is_named(args[0], "Utc") => {
            Some(Strategy::TimestampTz)
        }
        _ => None,
    }
}

/// Whether `ty` is `Option<i64>`, the type of a `deletion_id` field.
pub fn is_option_i64(ty: &Type) -> bool {
    option_inner(ty).is_some_and(|t| is_named(t, "i64"))
}

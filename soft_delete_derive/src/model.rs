//! The model: the struct as our own data, built from `syn::DeriveInput` and validated.
//! Every rule is checked here, each error spanned on the token that broke it; all errors are
//! reported together.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, GenericArgument, Ident, Path, PathArguments, Type};

use crate::attr::{self, DieselAttrs, MarkerKey, SoftDeleteAttrs};
use crate::symbol::*;

/// How the marker column tells hidden rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Timestamp,
    TimestampTz,
    Flag,
}

/// A struct field mapped to a column.
pub struct Field {
    pub ident: Ident,
    pub ty: Type,
    pub column: Ident,
}

/// A validated `#[derive(SoftDeletable)]` model.
pub struct Model {
    pub ident: Ident,
    /// Path of the Diesel table module (`posts`, `crate::schema::posts`).
    pub table: Path,
    /// SQL name of the table (the module's name).
    pub table_name: String,
    pub primary_key: Field,
    pub marker: Field,
    pub strategy: Strategy,
    pub deletion_id: Option<Field>,
    pub cascade: Vec<Path>,
    pub protect: Vec<Path>,
    pub hooks: bool,
}

fn combine(errors: Vec<syn::Error>) -> syn::Result<()> {
    let mut iter = errors.into_iter();
    match iter.next() {
        None => Ok(()),
        Some(mut first) => {
            for e in iter {
                first.combine(e);
            }
            Err(first)
        }
    }
}

/// Diesel's inference: `BlogPost` → `blog_posts`.
fn infer_table_name(ident: &Ident) -> String {
    let mut out = String::new();
    for (i, ch) in ident.to_string().chars().enumerate() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out.push('s');
    out
}

/// The last path segment's name and its generic arguments.
fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ty else { return None };
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
fn option_inner(ty: &Type) -> Option<&Type> {
    match last_segment(ty)? {
        (name, args) if name == "Option" && args.len() == 1 => Some(args[0]),
        _ => None,
    }
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(last_segment(ty), Some((n, _)) if n == name)
}

fn timestamp_strategy(ty: &Type) -> Option<Strategy> {
    let inner = option_inner(ty)?;
    match last_segment(inner)? {
        (n, _) if n == "NaiveDateTime" => Some(Strategy::Timestamp),
        (n, args) if n == "DateTime" && args.len() == 1 && is_named(args[0], "Utc") => {
            Some(Strategy::TimestampTz)
        }
        _ => None,
    }
}

impl Model {
    pub fn from_input(input: &DeriveInput) -> syn::Result<Model> {
        let fields = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => &named.named,
                Fields::Unnamed(_) | Fields::Unit => {
                    return Err(syn::Error::new(
                        input.ident.span(),
                        "`SoftDeletable` needs a struct with named fields, like `struct Post { id: i32, deleted_at: Option<NaiveDateTime> }`",
                    ));
                }
            },
            Data::Enum(e) => {
                return Err(syn::Error::new(
                    e.enum_token.span,
                    "`SoftDeletable` cannot be derived for an enum: derive it on the struct that maps the table",
                ));
            }
            Data::Union(u) => {
                return Err(syn::Error::new(
                    u.union_token.span,
                    "`SoftDeletable` cannot be derived for a union: derive it on the struct that maps the table",
                ));
            }
        };
        if let Some(param) = input.generics.params.first() {
            return Err(syn::Error::new_spanned(
                param,
                "`SoftDeletable` does not support generic models: derive it on a struct without type or lifetime parameters",
            ));
        }

        let mut errors = Vec::new();
        let diesel = DieselAttrs::parse(&input.attrs, &mut errors);
        let attrs = SoftDeleteAttrs::parse(&input.attrs, &mut errors);

        let fields: Vec<Field> = fields
            .iter()
            .filter_map(|f| {
                let ident = f.ident.clone()?;
                let column = attr::column_name(&f.attrs).unwrap_or_else(|| ident.clone());
                Some(Field {
                    ident,
                    ty: f.ty.clone(),
                    column,
                })
            })
            .collect();
        let find = |column: &str| fields.iter().find(|f| f.column == column);
        let struct_span = input.ident.span();

        // Table.
        let (table, table_name) = match &diesel.table_name {
            Some(path) => {
                let name = path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                (path.clone(), name)
            }
            None => {
                let name = infer_table_name(&input.ident);
                (Path::from(Ident::new(&name, struct_span)), name)
            }
        };

        // Primary key.
        let pk_column = match &diesel.primary_key {
            Some(pk) if pk.value.len() != 1 => {
                errors.push(syn::Error::new(
                    pk.span,
                    "composite primary keys are not supported by `SoftDeletable`: use a single-column key, `#[diesel(primary_key(id))]`",
                ));
                None
            }
            Some(pk) => Some(pk.value[0].clone()),
            None => Some(Ident::new("id", Span::call_site())),
        };
        let primary_key = pk_column.and_then(|col| match find(&col.to_string()) {
            Some(f) => Some(Field { ident: f.ident.clone(), ty: f.ty.clone(), column: f.column.clone() }),
            None => {
                let err = if diesel.primary_key.is_some() {
                    syn::Error::new(
                        col.span(),
                        format!("no field maps the primary key column `{col}`: add a field named `{col}`, or put `#[diesel(column_name = {col})]` on the field that holds it"),
                    )
                } else {
                    syn::Error::new(
                        struct_span,
                        format!("no field maps the primary key column `{col}`: add a field named `{col}`, or name the key column with `#[diesel(primary_key(column))]`"),
                    )
                };
                errors.push(err);
                None
            }
        });

        // Marker.
        let marker = match &attrs.marker {
            Some(m) => {
                let (col, flag) = match &m.value {
                    MarkerKey::Timestamp(c) => (c, false),
                    MarkerKey::Flag(c) => (c, true),
                };
                match find(&col.to_string()) {
                    Some(f) => Some((f, flag)),
                    None => {
                        errors.push(syn::Error::new(
                            col.span(),
                            format!(
                                "no field maps column `{col}`: add `{col}: {}` to the struct",
                                if flag {
                                    "bool"
                                } else {
                                    "Option<NaiveDateTime>"
                                }
                            ),
                        ));
                        None
                    }
                }
            }
            // The attribute that failed to parse may have named the marker: its error is enough.
            None if attrs.incomplete => None,
            None => match find(DELETED_AT) {
                Some(f) => Some((f, false)),
                None => {
                    errors.push(syn::Error::new(
                        struct_span,
                        "no marker field: add `deleted_at: Option<NaiveDateTime>`, name another column with `#[soft_delete(deleted_at = column)]`, or use a bool flag with `#[soft_delete(deleted = column)]`",
                    ));
                    None
                }
            },
        };
        let marker = marker.and_then(|(f, flag)| {
            let strategy = if flag {
                is_named(&f.ty, "bool").then_some(Strategy::Flag)
            } else {
                timestamp_strategy(&f.ty)
            };
            match strategy {
                Some(s) => Some((Field { ident: f.ident.clone(), ty: f.ty.clone(), column: f.column.clone() }, s)),
                None => {
                    let msg = if flag && timestamp_strategy(&f.ty).is_some() {
                        format!("`deleted = {col}` names a bool flag, but `{field}` is a timestamp: for a timestamp marker write `#[soft_delete(deleted_at = {col})]`, or make the field `bool`", col = f.column, field = f.ident)
                    } else if flag {
                        format!("the flag field `{}` must be `bool` (the `deleted = ...` key names a `Bool` column); for a timestamp marker write `#[soft_delete(deleted_at = {})]` with `Option<NaiveDateTime>`", f.ident, f.column)
                    } else if is_named(&f.ty, "bool") {
                        format!("`{}` is a `bool`: for the flag strategy write `#[soft_delete(deleted = {})]`", f.ident, f.column)
                    } else {
                        format!("the marker field `{}` must be `Option<chrono::NaiveDateTime>` or `Option<chrono::DateTime<Utc>>`; for a bool flag write `#[soft_delete(deleted = {})]`", f.ident, f.column)
                    };
                    errors.push(syn::Error::new_spanned(&f.ty, msg));
                    None
                }
            }
        });

        // deletion_id.
        let deletion_id = match &attrs.deletion_id {
            Some(d) => match find(&d.value.to_string()) {
                Some(f) => Some(f),
                None => {
                    errors.push(syn::Error::new(
                        d.value.span(),
                        format!(
                            "no field maps column `{}`: add `{}: Option<i64>` to the struct",
                            d.value, d.value
                        ),
                    ));
                    None
                }
            },
            None => find(DELETION_ID),
        };
        let deletion_id = deletion_id.and_then(|f| {
            let ok = option_inner(&f.ty).is_some_and(|t| is_named(t, "i64"));
            if ok {
                Some(Field { ident: f.ident.clone(), ty: f.ty.clone(), column: f.column.clone() })
            } else {
                errors.push(syn::Error::new_spanned(
                    &f.ty,
                    format!("the `deletion_id` field must be `Option<i64>` (a nullable `BigInt` column): write `{}: Option<i64>`", f.ident),
                ));
                None
            }
        });

        // Edges.
        let cascade = attrs.cascade.map(|c| {
            if attrs.deletion_id.is_none() && find(DELETION_ID).is_none() && !attrs.incomplete {
                errors.push(syn::Error::new(
                    c.span,
                    "`cascade` needs a `deletion_id` column on this model, so restore knows which rows the cascade hid: add `deletion_id: Option<i64>`",
                ));
            }
            c.value
        }).unwrap_or_default();
        let protect = attrs.protect.map(|p| p.value).unwrap_or_default();
        for p in &protect {
            if cascade.iter().any(|c| c == p) {
                errors.push(syn::Error::new_spanned(
                    p,
                    "this column is both a `cascade` and a `protect` edge: keep one (cascade hides the children, protect refuses while they are live)",
                ));
            }
        }
        for (i, c) in cascade.iter().enumerate() {
            if cascade[..i].contains(c) {
                errors.push(syn::Error::new_spanned(
                    c,
                    "this `cascade` edge is listed twice: remove one",
                ));
            }
        }

        combine(errors)?;
        match (primary_key, marker) {
            (Some(primary_key), Some((marker, strategy))) => Ok(Model {
                ident: input.ident.clone(),
                table,
                table_name,
                primary_key,
                marker,
                strategy,
                deletion_id,
                cascade,
                protect,
                hooks: attrs.hooks.is_some(),
            }),
            // Unreachable in practice: a missing piece always pushed an error above.
            _ => Err(syn::Error::new(
                struct_span,
                "`SoftDeletable` could not read this model",
            )),
        }
    }
}

//! The attribute grammar, parsed once into plain data.
//!
//! `#[soft_delete(deleted_at = col | deleted = col, deletion_id = col, cascade(t::fk, ..),
//! protect(t::fk, ..), hooks)]`, and the parts of `#[diesel(...)]` the derive reads:
//! `table_name`, `primary_key` and, on fields, `column_name`.

use proc_macro2::Span;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitStr, Meta, Path, Token};

use crate::symbol::*;

/// A value together with the span of the key that set it.
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// How the marker column was named.
pub enum MarkerKey {
    /// `deleted_at = col`
    Timestamp(Ident),
    /// `deleted = col`
    Flag(Ident),
}

/// Everything `#[soft_delete(...)]` said.
#[derive(Default)]
pub struct SoftDeleteAttrs {
    pub marker: Option<Spanned<MarkerKey>>,
    pub deletion_id: Option<Spanned<Ident>>,
    pub cascade: Option<Spanned<Vec<Path>>>,
    pub protect: Option<Spanned<Vec<Path>>>,
    pub hooks: Option<Span>,
    /// An attribute could not be parsed to its end: keys after the error are unknown, so rules
    /// about absent keys (the default marker, `cascade` without `deletion_id`) must not fire.
    pub incomplete: bool,
}

/// What `#[diesel(...)]` on the struct said, as far as the derive cares.
#[derive(Default)]
pub struct DieselAttrs {
    pub table_name: Option<Path>,
    pub primary_key: Option<Spanned<Vec<Ident>>>,
}

fn duplicate(key: &Ident) -> syn::Error {
    let msg = match key.to_string().as_str() {
        CASCADE | PROTECT => format!(
            "duplicate `{key}` key: list every edge in one `{key}(...)`, for example `{key}(posts::author_id, comments::author_id)`"
        ),
        _ => format!("duplicate `{key}` key: write it once in `#[soft_delete(...)]`"),
    };
    syn::Error::new(key.span(), msg)
}

fn set<T>(slot: &mut Option<T>, key: &Ident, value: T, errors: &mut Vec<syn::Error>) {
    if slot.is_some() {
        errors.push(duplicate(key));
    } else {
        *slot = Some(value);
    }
}

fn column_value(input: ParseStream<'_>, key: &Ident) -> syn::Result<Ident> {
    if !input.peek(Token![=]) {
        let msg = match key.to_string().as_str() {
            DELETED => format!(
                "`{key}` names a bool flag column: write `{key} = column`, for example `#[soft_delete({key} = is_deleted)]`"
            ),
            DELETION_ID => format!(
                "expected `{key} = column`, for example `#[soft_delete({key} = changeset_id)]`; a field named `{DELETION_ID}` is found without this key"
            ),
            _ => format!(
                "expected `{key} = column`, for example `#[soft_delete({key} = removed_at)]`; a field named `{DELETED_AT}` is found without this key"
            ),
        };
        return Err(syn::Error::new(key.span(), msg));
    }
    input.parse::<Token![=]>()?;
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        let value = lit.value();
        let example = if syn::parse_str::<Ident>(&value).is_ok() {
            value
        } else {
            key.to_string()
        };
        return Err(syn::Error::new(
            lit.span(),
            format!("`{key}` takes a column name, not a string: write `{key} = {example}`, without quotes"),
        ));
    }
    let path = input.call(Path::parse_mod_style).map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a column name: `#[soft_delete({key} = column)]`"),
        )
    })?;
    if let Some(col) = path.get_ident() {
        return Ok(col.clone());
    }
    let last = path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    Err(syn::Error::new_spanned(
        &path,
        format!("`{key}` takes a column of this model's table by its name alone: write `{key} = {last}`"),
    ))
}

fn edge_list(input: ParseStream<'_>, key: &Ident) -> syn::Result<Vec<Path>> {
    let help = format!(
        "write `{key}(child_table::fk_column, ...)`, for example `{key}(posts::author_id)`"
    );
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(
            key.span(),
            format!("`{key}` takes a list of columns: {help}"),
        ));
    }
    let content;
    syn::parenthesized!(content in input);
    let mut paths = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let lit: LitStr = content.parse()?;
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "`{key}` takes column paths, not strings: write `{key}({})`, without quotes",
                    lit.value()
                ),
            ));
        }
        let path = content
            .call(Path::parse_mod_style)
            .map_err(|e| syn::Error::new(e.span(), format!("malformed `{key}(...)`: {help}")))?;
        paths.push(path);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected `,` between the columns of `{key}(...)`: {help}"),
            )
        })?;
    }
    if paths.is_empty() {
        return Err(syn::Error::new(
            key.span(),
            format!("empty `{key}()`: {help}"),
        ));
    }
    for path in &paths {
        if path.segments.len() < 2 {
            return Err(syn::Error::new_spanned(
                path,
                format!(
                    "`{}` is not a `table::column` path: {help}",
                    quote::quote!(#path)
                ),
            ));
        }
    }
    Ok(paths)
}

impl SoftDeleteAttrs {
    /// Parses every `#[soft_delete(...)]` on the struct, collecting all errors.
    pub fn parse(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> SoftDeleteAttrs {
        let mut out = SoftDeleteAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident(SOFT_DELETE)) {
            if !matches!(attr.meta, Meta::List(_)) {
                errors.push(syn::Error::new_spanned(
                    &attr.meta,
                    format!(
                        "`#[soft_delete]` takes keys in parentheses, for example `#[soft_delete(cascade(posts::author_id))]`; the keys are: {}",
                        KEYS.join(", ")
                    ),
                ));
                out.incomplete = true;
                continue;
            }
            let result = attr.parse_args_with(|input: ParseStream<'_>| {
                while !input.is_empty() {
                    let key: Ident = input.parse().map_err(|e| {
                        syn::Error::new(e.span(), format!("expected a key, one of: {}", KEYS.join(", ")))
                    })?;
                    let span = key.span();
                    match key.to_string().as_str() {
                        DELETED_AT => {
                            let col = column_value(input, &key)?;
                            let v = Spanned { value: MarkerKey::Timestamp(col), span };
                            set(&mut out.marker, &key, v, errors);
                        }
                        DELETED => {
                            let col = column_value(input, &key)?;
                            let v = Spanned { value: MarkerKey::Flag(col), span };
                            if out.marker.is_some() {
                                errors.push(syn::Error::new(
                                    span,
                                    "the marker column is set twice: use either `deleted_at = col` (timestamp) or `deleted = col` (bool flag), not both",
                                ));
                            } else {
                                out.marker = Some(v);
                            }
                        }
                        DELETION_ID => {
                            let col = column_value(input, &key)?;
                            set(&mut out.deletion_id, &key, Spanned { value: col, span }, errors);
                        }
                        CASCADE => {
                            let paths = edge_list(input, &key)?;
                            set(&mut out.cascade, &key, Spanned { value: paths, span }, errors);
                        }
                        PROTECT => {
                            let paths = edge_list(input, &key)?;
                            set(&mut out.protect, &key, Spanned { value: paths, span }, errors);
                        }
                        HOOKS => {
                            if input.peek(Token![=]) || input.peek(syn::token::Paren) {
                                return Err(syn::Error::new(
                                    span,
                                    "`hooks` takes no value: write `#[soft_delete(hooks)]` and implement `SoftDeleteHooks` for the model",
                                ));
                            }
                            set(&mut out.hooks, &key, span, errors);
                        }
                        other => {
                            return Err(syn::Error::new(
                                span,
                                format!(
                                    "unknown key `{other}` in `#[soft_delete(...)]`; expected one of: {}",
                                    KEYS.join(", ")
                                ),
                            ));
                        }
                    }
                    if input.is_empty() {
                        break;
                    }
                    input.parse::<Token![,]>().map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            format!("expected `,` after `{key}`: separate the keys with commas, as in `#[soft_delete(deleted_at = removed_at, hooks)]`"),
                        )
                    })?;
                }
                Ok(())
            });
            if let Err(e) = result {
                errors.push(e);
                out.incomplete = true;
            }
        }
        out
    }
}

impl DieselAttrs {
    /// Reads `table_name` and `primary_key` from the struct's `#[diesel(...)]` attributes,
    /// skipping every other Diesel key (Diesel's own derives validate those).
    pub fn parse(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> DieselAttrs {
        let mut out = DieselAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident(DIESEL)) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(TABLE_NAME) {
                    out.table_name = Some(meta.value()?.call(Path::parse_mod_style)?);
                } else if meta.path.is_ident(PRIMARY_KEY) {
                    let span = meta
                        .path
                        .get_ident()
                        .map_or_else(Span::call_site, Ident::span);
                    let content;
                    syn::parenthesized!(content in meta.input);
                    let cols: Punctuated<Ident, Token![,]> =
                        content.parse_terminated(Ident::parse_any_ident, Token![,])?;
                    out.primary_key = Some(Spanned {
                        value: cols.into_iter().collect(),
                        span,
                    });
                } else {
                    skip_value(meta.input)?;
                }
                Ok(())
            });
            if let Err(e) = result {
                errors.push(e);
            }
        }
        out
    }
}

/// `#[diesel(column_name = x)]` on a field, if any.
pub fn column_name(attrs: &[Attribute]) -> Option<Ident> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(DIESEL)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(COLUMN_NAME) {
                name = Some(meta.value()?.call(Ident::parse_any_ident)?);
            } else {
                skip_value(meta.input)?;
            }
            Ok(())
        });
    }
    name
}

/// Skips the value of a Diesel key the derive does not read (`= expr` or `(...)`).
fn skip_value(input: ParseStream<'_>) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        input.parse::<syn::Expr>()?;
    } else if input.peek(syn::token::Paren) {
        let _content;
        syn::parenthesized!(_content in input);
        let _: proc_macro2::TokenStream = _content.parse()?;
    }
    Ok(())
}

use syn::ext::IdentExt;
trait ParseAnyIdent {
    fn parse_any_ident(input: ParseStream<'_>) -> syn::Result<Ident>;
}
impl ParseAnyIdent for Ident {
    fn parse_any_ident(input: ParseStream<'_>) -> syn::Result<Ident> {
        Ident::parse_any(input)
    }
}

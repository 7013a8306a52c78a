//! The attribute grammar, parsed once into plain data.
//!
//! `#[soft_delete(deleted_at = col | deleted = col, deletion_id = col, cascade(t::fk, ..),
//! protect(t::fk, ..), hooks)]`, and the parts of `#[diesel(...)]` the derive reads:
//! `table_name`, `primary_key` and, on fields, `column_name`.

use proc_macro2::Span;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, Path, Token};

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
}

/// What `#[diesel(...)]` on the struct said, as far as the derive cares.
#[derive(Default)]
pub struct DieselAttrs {
    pub table_name: Option<Path>,
    pub primary_key: Option<Spanned<Vec<Ident>>>,
}

fn duplicate(key: &Ident) -> syn::Error {
    syn::Error::new(
        key.span(),
        format!("duplicate `{key}` key: write it once in `#[soft_delete(...)]`"),
    )
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
        return Err(syn::Error::new(
            key.span(),
            format!("expected `{key} = column`, for example `#[soft_delete({key} = {key})]`"),
        ));
    }
    input.parse::<Token![=]>()?;
    input.parse::<Ident>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("`{key}` takes a column name: `#[soft_delete({key} = column)]`"),
        )
    })
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
    let paths: Punctuated<Path, Token![,]> = content
        .parse_terminated(Path::parse_mod_style, Token![,])
        .map_err(|e| syn::Error::new(e.span(), format!("malformed `{key}(...)`: {help}")))?;
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
    Ok(paths.into_iter().collect())
}

impl SoftDeleteAttrs {
    /// Parses every `#[soft_delete(...)]` on the struct, collecting all errors.
    pub fn parse(attrs: &[Attribute], errors: &mut Vec<syn::Error>) -> SoftDeleteAttrs {
        let mut out = SoftDeleteAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident(SOFT_DELETE)) {
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
                    input.parse::<Token![,]>()?;
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

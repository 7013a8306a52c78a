//! The attribute grammar, parsed once into plain data.
//!
//! `#[soft_delete(deleted_at = col | deleted = col, deletion_id = col, cascade(t::fk, ..),
//! protect(t::fk, ..), nullify(t::fk, ..), hooks)]`, and the parts of `#[diesel(...)]` the derive reads:
//! `table_name`, `primary_key` and, on fields, `column_name`. Errors go to the [`Ctxt`]; a key
//! that cannot be parsed stops the parsing of its attribute only.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitStr, Meta, Path, Token};

use crate::ctxt::Ctxt;
use crate::symbol::*;

/// A value together with the span of the key that set it.
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The foreign key of one edge: `child::fk`, or `(child::a, child::b)` for a parent with a
/// composite primary key.
#[derive(Clone)]
pub struct Fk {
    pub columns: Vec<Path>,
    /// The whole key as written, for error spans.
    pub tokens: proc_macro2::TokenStream,
}

/// Two edges are the same when they name the same columns, wherever they are written.
impl PartialEq for Fk {
    fn eq(&self, other: &Fk) -> bool {
        self.columns == other.columns
    }
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
    pub cascade: Option<Spanned<Vec<Fk>>>,
    pub protect: Option<Spanned<Vec<Fk>>>,
    pub nullify: Option<Spanned<Vec<Fk>>>,
    pub hooks: Option<Span>,
    /// `view_of = Model`: this struct is one more model of the table whose facts `Model` states.
    pub view_of: Option<Spanned<Path>>,
    /// The `view_of` key was written, even if its value could not be parsed: the struct must
    /// not stand in for the table's facts.
    pub is_view: bool,
    /// An attribute could not be parsed to its end: keys after the error are unknown, so rules
    /// about absent keys (the default marker, `cascade` without `deletion_id`) must not fire.
    pub incomplete: bool,
}

/// What `#[diesel(...)]` on the struct said, as far as the derive cares.
#[derive(Default)]
pub struct DieselAttrs {
    pub table_name: Option<Path>,
    pub primary_key: Option<Spanned<Vec<Ident>>>,
    /// A `#[diesel(...)]` could not be parsed: `table_name` may have been lost with it.
    pub incomplete: bool,
}

fn keys() -> String {
    KEYS.join(", ")
}

fn duplicate(key: &Ident) -> syn::Error {
    let msg = match key.to_string().as_str() {
        CASCADE | PROTECT | NULLIFY => format!(
            "duplicate `{key}` key: list every edge in one `{key}(...)`, \
             for example `{key}(posts::author_id, comments::author_id)`"
        ),
        _ => format!("duplicate `{key}` key: write it once in `#[soft_delete(...)]`"),
    };
    syn::Error::new(key.span(), msg)
}

fn set<T>(cx: &Ctxt, slot: &mut Option<T>, key: &Ident, value: T) {
    if slot.is_some() {
        cx.syn_error(duplicate(key));
    } else {
        *slot = Some(value);
    }
}

/// `deleted_at`, `deleted` or `deletion_id` written without `= column`.
fn missing_column_value(key: &Ident) -> syn::Error {
    let msg = match key.to_string().as_str() {
        DELETED => format!(
            "`{key}` names a bool flag column: write `{key} = column`, \
             for example `#[soft_delete({key} = is_deleted)]`"
        ),
        DELETION_ID => format!(
            "expected `{key} = column`, for example `#[soft_delete({key} = changeset_id)]`; \
             a field named `{DELETION_ID}` is found without this key"
        ),
        _ => format!(
            "expected `{key} = column`, for example `#[soft_delete({key} = removed_at)]`; \
             a field named `{DELETED_AT}` is found without this key"
        ),
    };
    syn::Error::new(key.span(), msg)
}

/// `key = "column"`: says to drop the quotes.
fn quoted_column(key: &Ident, lit: &LitStr) -> syn::Error {
    let value = lit.value();
    let example = if syn::parse_str::<Ident>(&value).is_ok() {
        value
    } else {
        key.to_string()
    };
    let msg = format!(
        "`{key}` takes a column name, not a string: write `{key} = {example}`, without quotes"
    );
    syn::Error::new(lit.span(), msg)
}

/// `key = table::column`: the column of this model's table goes by its name alone.
fn qualified_column(key: &Ident, path: &Path) -> syn::Error {
    let last = path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let msg = format!(
        "`{key}` takes a column of this model's table by its name alone: write `{key} = {last}`"
    );
    syn::Error::new_spanned(path, msg)
}

/// `= Model`: the path of a struct.
fn model_value(input: ParseStream<'_>, key: &Ident) -> syn::Result<Path> {
    let expected = || {
        let msg = format!(
            "`{key}` names the model that states this table's facts: \
             `#[soft_delete({key} = User)]`"
        );
        syn::Error::new(key.span(), msg)
    };
    if !input.peek(Token![=]) {
        return Err(expected());
    }
    input.parse::<Token![=]>()?;
    input.parse::<Path>().map_err(|_| expected())
}

fn column_value(input: ParseStream<'_>, key: &Ident) -> syn::Result<Ident> {
    if !input.peek(Token![=]) {
        return Err(missing_column_value(key));
    }
    input.parse::<Token![=]>()?;
    if input.peek(LitStr) {
        return Err(quoted_column(key, &input.parse()?));
    }
    let path = input.call(Path::parse_mod_style).map_err(|e| {
        let msg = format!("`{key}` takes a column name: `#[soft_delete({key} = column)]`");
        syn::Error::new(e.span(), msg)
    })?;
    match path.get_ident() {
        Some(col) => Ok(col.clone()),
        None => Err(qualified_column(key, &path)),
    }
}

/// How every edge list is written, for the end of its messages.
fn edge_help(key: &Ident) -> String {
    format!(
        "write `{key}(child_table::fk_column, ...)`, for example `{key}(posts::author_id)`, \
         or `{key}((child_table::a, child_table::b))` for a composite key"
    )
}

/// One edge's foreign key: a path, or a parenthesized list of paths for a composite key.
fn edge_fk(content: ParseStream<'_>, key: &Ident) -> syn::Result<Fk> {
    if !content.peek(syn::token::Paren) {
        let path = edge_path(content, key)?;
        return Ok(Fk {
            tokens: quote::ToTokens::to_token_stream(&path),
            columns: vec![path],
        });
    }
    let group: proc_macro2::Group = content.parse()?;
    let columns =
        (|inner: ParseStream<'_>| composite_fk(inner, key, group.span())).parse2(group.stream())?;
    Ok(Fk {
        columns,
        tokens: quote::ToTokens::to_token_stream(&group),
    })
}

/// `a::x, a::y` inside the parentheses of a composite foreign key.
fn composite_fk(inner: ParseStream<'_>, key: &Ident, span: Span) -> syn::Result<Vec<Path>> {
    let between = "a composite key";
    let columns = comma_separated(inner, key, between, |p| edge_path(p, key))?;
    if columns.len() < 2 {
        let msg = format!(
            "a composite key names two or more columns in parentheses; for one column drop \
             the parentheses: {}",
            edge_help(key)
        );
        return Err(syn::Error::new(span, msg));
    }
    Ok(columns)
}

/// Items separated by commas (a trailing one allowed) up to the end of `input`; a missing comma
/// is reported as missing between the columns of `within`.
fn comma_separated<T>(
    input: ParseStream<'_>,
    key: &Ident,
    within: &str,
    mut item: impl FnMut(ParseStream<'_>) -> syn::Result<T>,
) -> syn::Result<Vec<T>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(item(input)?);
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>().map_err(|e| {
            let msg = format!(
                "expected `,` between the columns of {within}: {}",
                edge_help(key)
            );
            syn::Error::new(e.span(), msg)
        })?;
    }
    Ok(items)
}

/// One `child_table::fk` path of an edge list.
fn edge_path(content: ParseStream<'_>, key: &Ident) -> syn::Result<Path> {
    if content.peek(LitStr) {
        let lit: LitStr = content.parse()?;
        let value = lit.value();
        let msg = format!(
            "`{key}` takes column paths, not strings: write `{key}({value})`, without quotes"
        );
        return Err(syn::Error::new(lit.span(), msg));
    }
    let path = content.call(Path::parse_mod_style).map_err(|e| {
        let msg = format!("malformed `{key}(...)`: {}", edge_help(key));
        syn::Error::new(e.span(), msg)
    })?;
    if path.segments.len() < 2 {
        let msg = format!(
            "`{}` is not a `table::column` path: {}",
            quote::quote!(#path),
            edge_help(key)
        );
        return Err(syn::Error::new_spanned(&path, msg));
    }
    Ok(path)
}

fn edge_list(input: ParseStream<'_>, key: &Ident) -> syn::Result<Vec<Fk>> {
    if !input.peek(syn::token::Paren) {
        let msg = format!("`{key}` takes a list of columns: {}", edge_help(key));
        return Err(syn::Error::new(key.span(), msg));
    }
    let content;
    syn::parenthesized!(content in input);
    let between = format!("`{key}(...)`");
    let paths = comma_separated(&content, key, &between, |c| edge_fk(c, key))?;
    if paths.is_empty() {
        let msg = format!("empty `{key}()`: {}", edge_help(key));
        return Err(syn::Error::new(key.span(), msg));
    }
    Ok(paths)
}

const MARKER_TWICE: &str = "the marker column is set twice: use either `deleted_at = col` \
    (timestamp) or `deleted = col` (bool flag), not both";

const HOOKS_WITH_VALUE: &str = "`hooks` takes no value: write `#[soft_delete(hooks)]` and \
    implement `SoftDeleteHooks` for the model";

fn not_a_list(meta: &Meta) -> syn::Error {
    let msg = format!(
        "`#[soft_delete]` takes keys in parentheses, \
         for example `#[soft_delete(cascade(posts::author_id))]`; the keys are: {}",
        keys()
    );
    syn::Error::new_spanned(meta, msg)
}

fn unknown_key(key: &Ident) -> syn::Error {
    let msg = format!(
        "unknown key `{key}` in `#[soft_delete(...)]`; expected one of: {}",
        keys()
    );
    syn::Error::new(key.span(), msg)
}

fn missing_comma(key: &Ident, span: Span) -> syn::Error {
    let msg = format!(
        "expected `,` after `{key}`: separate the keys with commas, \
         as in `#[soft_delete(deleted_at = removed_at, hooks)]`"
    );
    syn::Error::new(span, msg)
}

impl SoftDeleteAttrs {
    /// Parses every `#[soft_delete(...)]` on the struct, reporting every error to `cx`.
    pub fn parse(cx: &Ctxt, attrs: &[Attribute]) -> SoftDeleteAttrs {
        let mut out = SoftDeleteAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident(SOFT_DELETE)) {
            if !matches!(attr.meta, Meta::List(_)) {
                cx.syn_error(not_a_list(&attr.meta));
                out.incomplete = true;
                continue;
            }
            if let Err(e) = attr.parse_args_with(|input: ParseStream<'_>| out.keys(cx, input)) {
                cx.syn_error(e);
                out.incomplete = true;
            }
        }
        out
    }

    /// The comma-separated keys of one attribute.
    fn keys(&mut self, cx: &Ctxt, input: ParseStream<'_>) -> syn::Result<()> {
        while !input.is_empty() {
            let key: Ident = input.parse().map_err(|e| {
                syn::Error::new(e.span(), format!("expected a key, one of: {}", keys()))
            })?;
            self.key(cx, input, &key)?;
            if input.is_empty() {
                break;
            }
            input
                .parse::<Token![,]>()
                .map_err(|e| missing_comma(&key, e.span()))?;
        }
        Ok(())
    }

    /// One key and its value.
    fn key(&mut self, cx: &Ctxt, input: ParseStream<'_>, key: &Ident) -> syn::Result<()> {
        let span = key.span();
        match key.to_string().as_str() {
            DELETED_AT => {
                let value = MarkerKey::Timestamp(column_value(input, key)?);
                set(cx, &mut self.marker, key, Spanned { value, span });
            }
            DELETED => {
                let value = MarkerKey::Flag(column_value(input, key)?);
                if self.marker.is_some() {
                    cx.error_at(span, MARKER_TWICE);
                } else {
                    self.marker = Some(Spanned { value, span });
                }
            }
            DELETION_ID => {
                let value = column_value(input, key)?;
                set(cx, &mut self.deletion_id, key, Spanned { value, span });
            }
            CASCADE => {
                let value = edge_list(input, key)?;
                set(cx, &mut self.cascade, key, Spanned { value, span });
            }
            PROTECT => {
                let value = edge_list(input, key)?;
                set(cx, &mut self.protect, key, Spanned { value, span });
            }
            NULLIFY => {
                let value = edge_list(input, key)?;
                set(cx, &mut self.nullify, key, Spanned { value, span });
            }
            HOOKS => {
                if input.peek(Token![=]) || input.peek(syn::token::Paren) {
                    return Err(syn::Error::new(span, HOOKS_WITH_VALUE));
                }
                set(cx, &mut self.hooks, key, span);
            }
            VIEW_OF => {
                self.is_view = true;
                let value = model_value(input, key)?;
                set(cx, &mut self.view_of, key, Spanned { value, span });
            }
            _ => return Err(unknown_key(key)),
        }
        Ok(())
    }
}

impl DieselAttrs {
    /// Reads `table_name` and `primary_key` from the struct's `#[diesel(...)]` attributes,
    /// skipping every other Diesel key (Diesel's own derives validate those).
    pub fn parse(cx: &Ctxt, attrs: &[Attribute]) -> DieselAttrs {
        let mut out = DieselAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident(DIESEL)) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident(TABLE_NAME) {
                    out.table_name = Some(meta.value()?.call(Path::parse_mod_style)?);
                } else if meta.path.is_ident(PRIMARY_KEY) {
                    out.primary_key = Some(primary_key(&meta)?);
                } else {
                    skip_value(meta.input)?;
                }
                Ok(())
            });
            if let Err(e) = result {
                cx.syn_error(e);
                out.incomplete = true;
            }
        }
        out
    }
}

/// `primary_key(a, b, ...)`, spanned on `primary_key`.
fn primary_key(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Spanned<Vec<Ident>>> {
    let span = meta
        .path
        .get_ident()
        .map_or_else(Span::call_site, Ident::span);
    let content;
    syn::parenthesized!(content in meta.input);
    let cols: Punctuated<Ident, Token![,]> =
        content.parse_terminated(Ident::parse_any, Token![,])?;
    Ok(Spanned {
        value: cols.into_iter().collect(),
        span,
    })
}

/// `#[diesel(column_name = x)]` on a field, if any.
pub fn column_name(attrs: &[Attribute]) -> Option<Ident> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident(DIESEL)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(COLUMN_NAME) {
                name = Some(meta.value()?.call(Ident::parse_any)?);
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

//! The model as our own data: the struct read from `syn::DeriveInput` with its attributes
//! parsed ([`Input`]), and the validated model code generation reads ([`Model`]).

use syn::ext::IdentExt;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Path, Type};

use crate::attr::{self, DieselAttrs, Fk, SoftDeleteAttrs};
use crate::ctxt::Ctxt;
use crate::types::Strategy;

/// A struct field mapped to a column.
#[derive(Clone)]
pub struct Field {
    pub ident: Ident,
    /// The type as written (a `macro_rules!` `$t:ty` keeps its invisible group).
    pub ty: Type,
    /// The column: `#[diesel(column_name = ...)]`, else the field's name.
    pub column: Ident,
}

/// The model's Diesel table.
pub struct Table {
    /// Path of the Diesel table module (`posts`, `crate::schema::posts`). The table's SQL name
    /// is Diesel's to say (`#[sql_name]`, a schema): the runtime reads it from the table type.
    pub path: Path,
    /// The module's name as written (`posts`), or the struct's name when it is inferred: where
    /// an error about the table type points.
    pub span: proc_macro2::Span,
}

/// The input as parsed, before any rule is checked.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub table: Table,
    pub diesel: DieselAttrs,
    pub attrs: SoftDeleteAttrs,
    /// The fields of a struct with named fields; `None` for any other item (already reported).
    pub fields: Option<Vec<Field>>,
}

/// A validated `#[derive(SoftDeletable)]` model.
pub struct Model<'a> {
    pub ident: &'a Ident,
    /// Lifetime parameters only (anything else is refused).
    pub generics: &'a Generics,
    pub table: &'a Table,
    /// The key's fields, in key order (one for a single-column key).
    pub primary_key: Vec<Field>,
    pub marker: Field,
    /// Where the model names its marker column: the column in `deleted_at = col` /
    /// `deleted = col`, else the field.
    pub marker_span: proc_macro2::Span,
    pub strategy: Strategy,
    pub deletion_id: Option<Field>,
    /// Where the model names its `deletion_id` column: the column in `deletion_id = col`, else
    /// the field.
    pub deletion_id_span: Option<proc_macro2::Span>,
    pub cascade: &'a [Fk],
    pub protect: &'a [Fk],
    pub nullify: &'a [Fk],
    pub hooks: bool,
    /// `table_declared` (its span): the table's own crate implements the table traits.
    pub table_declared: Option<proc_macro2::Span>,
}

/// A validated `#[soft_delete(view_of = Model)]` struct: one more model of a table whose facts
/// another model states.
pub struct View<'a> {
    pub ident: &'a Ident,
    /// Lifetime parameters only.
    pub generics: &'a Generics,
    pub table: &'a Table,
    /// The key's fields, in key order.
    pub primary_key: Vec<Field>,
    /// The model that states the table's facts.
    pub of: &'a Path,
}

const NOT_NAMED: &str = "`SoftDeletable` needs a struct with named fields, \
    like `struct Post { id: i32, deleted_at: Option<NaiveDateTime> }`";
const ENUM: &str = "`SoftDeletable` cannot be derived for an enum: \
    derive it on the struct that maps the table";
const UNION: &str = "`SoftDeletable` cannot be derived for a union: \
    derive it on the struct that maps the table";
const GENERIC: &str = "`SoftDeletable` does not support type or const parameters (a table's \
    facts and hooks are one set per table, not one per type argument): make the field types \
    concrete; lifetime parameters, as in `struct Post<'a> { title: Cow<'a, str>, .. }`, are fine";

impl<'a> Input<'a> {
    /// Reads the struct, its fields and its attributes, reporting what cannot be read.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput) -> Input<'a> {
        let fields = named_fields(cx, input);
        let not_lifetime = input
            .generics
            .params
            .iter()
            .find(|p| !matches!(p, syn::GenericParam::Lifetime(_)));
        if let Some(param) = not_lifetime {
            cx.error_spanned_by(param, GENERIC);
        }
        let diesel = DieselAttrs::parse(cx, &input.attrs);
        // The attributes of an item that cannot be a model are not worth reporting on.
        let attrs = match fields {
            Some(_) => SoftDeleteAttrs::parse(cx, &input.attrs),
            None => SoftDeleteAttrs::default(),
        };
        Input {
            ident: &input.ident,
            generics: &input.generics,
            table: table(&input.ident, &diesel),
            diesel,
            attrs,
            fields,
        }
    }

    /// The field mapping `column`, compared without the `r#` of raw identifiers.
    pub fn field(&self, column: &Ident) -> Option<&Field> {
        self.field_named(&column.unraw().to_string())
    }

    /// The field mapping the column named `column`.
    pub fn field_named(&self, column: &str) -> Option<&Field> {
        let fields = self.fields.as_deref()?;
        fields.iter().find(|f| f.column.unraw() == column)
    }
}

/// The fields of a struct with named fields; anything else is reported.
fn named_fields(cx: &Ctxt, input: &DeriveInput) -> Option<Vec<Field>> {
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(named.named.iter().filter_map(field).collect()),
            Fields::Unnamed(_) | Fields::Unit => {
                cx.error_at(input.ident.span(), NOT_NAMED);
                None
            }
        },
        Data::Enum(e) => {
            cx.error_at(e.enum_token.span, ENUM);
            None
        }
        Data::Union(u) => {
            cx.error_at(u.union_token.span, UNION);
            None
        }
    }
}

fn field(f: &syn::Field) -> Option<Field> {
    let ident = f.ident.clone()?;
    let column = attr::column_name(&f.attrs).unwrap_or_else(|| ident.clone());
    Some(Field {
        ident,
        ty: f.ty.clone(),
        column,
    })
}

/// `#[diesel(table_name = ...)]`, else the name Diesel infers from the struct's.
fn table(ident: &Ident, diesel: &DieselAttrs) -> Table {
    match &diesel.table_name {
        Some(path) => Table {
            path: path.clone(),
            span: path
                .segments
                .last()
                .map_or_else(|| ident.span(), |s| s.ident.span()),
        },
        None => {
            let name = infer_table_name(ident);
            // A keyword (`struct A` → `as`) needs `r#`; nothing here may panic.
            let mut module = syn::parse_str::<Ident>(&name)
                .or_else(|_| syn::parse_str::<Ident>(&format!("r#{name}")))
                .unwrap_or_else(|_| ident.clone());
            module.set_span(ident.span());
            Table {
                path: Path::from(module),
                span: ident.span(),
            }
        }
    }
}

/// Diesel's inference: `BlogPost` → `blog_posts`; `r#Match` → `matchs`.
fn infer_table_name(ident: &Ident) -> String {
    let mut out = String::new();
    for (i, ch) in ident.unraw().to_string().chars().enumerate() {
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

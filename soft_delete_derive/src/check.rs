//! Every rule of the model, one named function each, in the order their errors are reported.
//! Each error is spanned on the token that broke the rule and says what to write instead.

use crate::attr::{Fk, MarkerKey};
use crate::ctxt::Ctxt;
use crate::model::{Field, Input, Model, View};
use crate::symbol::*;
use crate::types::{self, Strategy};

/// Checks every rule, reporting each broken one to `cx`; the model when all hold.
pub fn check<'a>(cx: &Ctxt, input: &'a Input<'a>) -> Option<Model<'a>> {
    input.fields.as_ref()?;
    let primary_key = check_primary_key(cx, input);
    let marker = check_marker_field(cx, input);
    let strategy = marker.and_then(|(field, flag)| check_marker_type(cx, field, flag));
    let deletion_id = check_deletion_id(cx, input);
    check_edge_keys(cx, input, primary_key.as_ref().map(Vec::len));
    check_cascade_has_deletion_id(cx, input);
    check_cascade_and_protect_disjoint(cx, input);
    check_cascade_listed_once(cx, input);
    check_nullify_disjoint(cx, input);
    check_nullify_listed_once(cx, input);
    Some(Model {
        ident: input.ident,
        generics: input.generics,
        table: &input.table,
        primary_key: primary_key?,
        marker: marker?.0.clone(),
        marker_span: marker_span(input, marker?.0),
        strategy: strategy?,
        deletion_id: deletion_id.cloned(),
        deletion_id_span: deletion_id.map(|field| match &input.attrs.deletion_id {
            Some(key) => key.value.span(),
            None => field.ident.span(),
        }),
        cascade: input.attrs.cascade.as_ref().map_or(&[], |c| &c.value),
        protect: input.attrs.protect.as_ref().map_or(&[], |p| &p.value),
        nullify: input.attrs.nullify.as_ref().map_or(&[], |n| &n.value),
        hooks: input.attrs.hooks.is_some(),
        table_declared: input.attrs.table_declared,
    })
}

/// Checks a `view_of` struct: its key, and that it states none of the table's facts.
pub fn check_view<'a>(cx: &Ctxt, input: &'a Input<'a>) -> Option<View<'a>> {
    input.fields.as_ref()?;
    let of = &input.attrs.view_of.as_ref()?.value;
    let primary_key = check_primary_key(cx, input);
    check_view_states_no_facts(cx, input, of);
    Some(View {
        ident: input.ident,
        generics: input.generics,
        table: &input.table,
        primary_key: primary_key?,
        of,
    })
}

/// A `view_of` struct leaves the table's facts to the model it names: one statement per table.
fn check_view_states_no_facts(cx: &Ctxt, input: &Input<'_>, of: &syn::Path) {
    let attrs = &input.attrs;
    let of = quote::ToTokens::to_token_stream(of)
        .to_string()
        .replace(' ', "");
    let facts = [
        (attrs.marker.as_ref().map(|m| m.span), "the marker column"),
        (attrs.deletion_id.as_ref().map(|d| d.span), "`deletion_id`"),
        (attrs.cascade.as_ref().map(|c| c.span), "`cascade` edges"),
        (attrs.protect.as_ref().map(|p| p.span), "`protect` edges"),
        (attrs.nullify.as_ref().map(|n| n.span), "`nullify` edges"),
        (attrs.hooks, "`hooks`"),
        (attrs.table_declared, "`table_declared`"),
    ];
    for (span, fact) in facts {
        if let Some(span) = span {
            let msg = format!(
                "{fact} of a table are stated once, on the model `view_of` names: \
                 move this to `#[soft_delete(...)]` on `{of}`, or drop `view_of` if this \
                 struct is the one that states the table's facts"
            );
            cx.error_at(span, msg);
        }
    }
}

/// The primary key's columns, each mapped by a field, in key order.
fn check_primary_key(cx: &Ctxt, input: &Input<'_>) -> Option<Vec<Field>> {
    let Some(pk) = &input.diesel.primary_key else {
        let field = input.field_named("id");
        if field.is_none() {
            let msg = "no field maps the primary key column `id`: add a field named `id`, \
                or name the key column with `#[diesel(primary_key(column))]`";
            cx.error_at(input.ident.span(), msg);
        }
        return field.map(|f| vec![f.clone()]);
    };
    let mut fields = Vec::new();
    for col in &pk.value {
        match input.field(col) {
            Some(field) => fields.push(field.clone()),
            None => {
                let msg = format!(
                    "no field maps the primary key column `{col}`: add a field named `{col}`, \
                     or put `#[diesel(column_name = {col})]` on the field that holds it"
                );
                cx.error_at(col.span(), msg);
            }
        }
    }
    (fields.len() == pk.value.len() && !fields.is_empty()).then_some(fields)
}

/// Each edge's foreign key names columns of one table, one per column of this model's key.
fn check_edge_keys(cx: &Ctxt, input: &Input<'_>, key_len: Option<usize>) {
    let attrs = &input.attrs;
    let edges = [
        (CASCADE, &attrs.cascade),
        (PROTECT, &attrs.protect),
        (NULLIFY, &attrs.nullify),
    ];
    for (key, list) in edges {
        for fk in list.iter().flat_map(|l| &l.value) {
            check_edge_key(cx, input, key, fk, key_len);
        }
    }
}

fn check_edge_key(cx: &Ctxt, input: &Input<'_>, key: &str, fk: &Fk, key_len: Option<usize>) {
    if key == NULLIFY && (fk.columns.len() > 1 || key_len.is_some_and(|n| n > 1)) {
        let msg = "`nullify` edges take one foreign-key column and a parent with a \
            single-column key: for a composite key use `cascade((child::a, child::b))` or \
            `protect((child::a, child::b))`";
        cx.error_spanned_by(&fk.tokens, msg);
        return;
    }
    let table = |p: &syn::Path| {
        let n = p.segments.len() - 1;
        p.segments.iter().take(n).cloned().collect::<Vec<_>>()
    };
    let Some(first) = fk.columns.first().map(table) else {
        return;
    };
    if fk.columns.iter().any(|c| table(c) != first) {
        let msg = format!(
            "the columns of one `{key}` key belong to one child table: \
             write `{key}((child::a, child::b))` with the same `child`"
        );
        cx.error_spanned_by(&fk.tokens, msg);
        return;
    }
    let Some(n) = key_len else { return };
    if fk.columns.len() == n {
        return;
    }
    let ident = input.ident;
    let msg = if n == 1 {
        format!(
            "`{ident}` has a single-column primary key: name one foreign-key column, \
             `{key}(child::fk)`"
        )
    } else {
        format!(
            "`{ident}` has a {n}-column primary key: name the child's {n} foreign-key columns in \
             key order, `{key}((child::a, child::b{}))`",
            if n > 2 { ", ..." } else { "" }
        )
    };
    cx.error_spanned_by(&fk.tokens, msg);
}

const NO_MARKER: &str = "no marker field: add `deleted_at: Option<NaiveDateTime>`, \
    name another column with `#[soft_delete(deleted_at = column)]`, \
    or use a bool flag with `#[soft_delete(deleted = column)]`";

/// The marker field, and whether it is a bool flag (`deleted = col`).
fn check_marker_field<'a>(cx: &Ctxt, input: &'a Input<'a>) -> Option<(&'a Field, bool)> {
    let Some(marker) = &input.attrs.marker else {
        // The attribute that failed to parse may have named the marker: its error is enough.
        if input.attrs.incomplete {
            return None;
        }
        let field = input.field_named(DELETED_AT);
        if field.is_none() {
            cx.error_at(input.ident.span(), NO_MARKER);
        }
        return field.map(|f| (f, false));
    };
    let (col, flag) = match &marker.value {
        MarkerKey::Timestamp(col) => (col, false),
        MarkerKey::Flag(col) => (col, true),
    };
    let field = input.field(col);
    if field.is_none() {
        let ty = if flag {
            "bool"
        } else {
            "Option<NaiveDateTime>"
        };
        let msg = format!("no field maps column `{col}`: add `{col}: {ty}` to the struct");
        cx.error_at(col.span(), msg);
    }
    field.map(|f| (f, flag))
}

/// Where the model names its marker column: `deleted_at = col` / `deleted = col`, else the field.
fn marker_span(input: &Input<'_>, field: &Field) -> proc_macro2::Span {
    match input.attrs.marker.as_ref().map(|m| &m.value) {
        Some(MarkerKey::Timestamp(col) | MarkerKey::Flag(col)) => col.span(),
        None => field.ident.span(),
    }
}

/// The marker field's type picks the strategy: `bool` for a flag, else a nullable timestamp.
fn check_marker_type(cx: &Ctxt, field: &Field, flag: bool) -> Option<Strategy> {
    let strategy = if flag {
        types::is_named(&field.ty, "bool").then_some(Strategy::Flag)
    } else {
        types::timestamp_strategy(&field.ty)
    };
    if strategy.is_none() {
        cx.error_spanned_by(&field.ty, marker_type_message(field, flag));
    }
    strategy
}

fn marker_type_message(field: &Field, flag: bool) -> String {
    let (col, name) = (&field.column, &field.ident);
    if flag && types::timestamp_strategy(&field.ty).is_some() {
        format!(
            "`deleted = {col}` names a bool flag, but `{name}` is a timestamp: \
             for a timestamp marker write `#[soft_delete(deleted_at = {col})]`, \
             or make the field `bool`"
        )
    } else if flag {
        format!(
            "the flag field `{name}` must be `bool` (the `deleted = ...` key names a `Bool` \
             column); for a timestamp marker write `#[soft_delete(deleted_at = {col})]` \
             with `Option<NaiveDateTime>`"
        )
    } else if types::is_named(&field.ty, "bool") {
        format!(
            "`{name}` is a `bool`: for the flag strategy write `#[soft_delete(deleted = {col})]`"
        )
    } else {
        format!(
            "the marker field `{name}` must be `Option<chrono::NaiveDateTime>` or \
             `Option<chrono::DateTime<Utc>>`; for a bool flag write \
             `#[soft_delete(deleted = {col})]`"
        )
    }
}

/// The `deletion_id` field, when there is one, is `Option<i64>`.
fn check_deletion_id<'a>(cx: &Ctxt, input: &'a Input<'a>) -> Option<&'a Field> {
    let field = match &input.attrs.deletion_id {
        Some(d) => {
            let col = &d.value;
            let field = input.field(col);
            if field.is_none() {
                let msg =
                    format!("no field maps column `{col}`: add `{col}: Option<i64>` to the struct");
                cx.error_at(col.span(), msg);
            }
            field?
        }
        None => input.field_named(DELETION_ID)?,
    };
    if types::is_option_i64(&field.ty) {
        return Some(field);
    }
    let msg = format!(
        "the `deletion_id` field must be `Option<i64>` (a nullable `BigInt` column): \
         write `{}: Option<i64>`",
        field.ident
    );
    cx.error_spanned_by(&field.ty, msg);
    None
}

const CASCADE_WITHOUT_DELETION_ID: &str = "`cascade` needs a `deletion_id` column on this model, \
    so restore knows which rows the cascade hid: add `deletion_id: Option<i64>`";

/// A model with `cascade` edges has a `deletion_id` column.
fn check_cascade_has_deletion_id(cx: &Ctxt, input: &Input<'_>) {
    let attrs = &input.attrs;
    let Some(cascade) = &attrs.cascade else {
        return;
    };
    let has_deletion_id = attrs.deletion_id.is_some() || input.field_named(DELETION_ID).is_some();
    if !has_deletion_id && !attrs.incomplete {
        cx.error_at(cascade.span, CASCADE_WITHOUT_DELETION_ID);
    }
}

const CASCADE_AND_PROTECT: &str = "this column is both a `cascade` and a `protect` edge: \
    keep one (cascade hides the children, protect refuses while they are live)";

/// No column is both a `cascade` and a `protect` edge.
fn check_cascade_and_protect_disjoint(cx: &Ctxt, input: &Input<'_>) {
    let (Some(cascade), Some(protect)) = (&input.attrs.cascade, &input.attrs.protect) else {
        return;
    };
    for p in &protect.value {
        if cascade.value.contains(p) {
            cx.error_spanned_by(&p.tokens, CASCADE_AND_PROTECT);
        }
    }
}

/// Each `cascade` edge is listed once.
fn check_cascade_listed_once(cx: &Ctxt, input: &Input<'_>) {
    let Some(cascade) = &input.attrs.cascade else {
        return;
    };
    for (i, c) in cascade.value.iter().enumerate() {
        if cascade.value[..i].contains(c) {
            cx.error_spanned_by(&c.tokens, "this `cascade` edge is listed twice: remove one");
        }
    }
}

/// No column is both a `nullify` edge and a `cascade` or `protect` edge: one policy per edge.
fn check_nullify_disjoint(cx: &Ctxt, input: &Input<'_>) {
    let Some(nullify) = &input.attrs.nullify else {
        return;
    };
    let others = [
        (
            CASCADE,
            "cascade hides or deletes the children",
            &input.attrs.cascade,
        ),
        (
            PROTECT,
            "protect refuses while they are live",
            &input.attrs.protect,
        ),
    ];
    for n in &nullify.value {
        for (key, what, edges) in &others {
            if edges.as_ref().is_some_and(|e| e.value.contains(n)) {
                let msg = format!(
                    "this column is both a `{key}` and a `{NULLIFY}` edge: keep one \
                     ({what}; nullify sets the foreign key to NULL when the parent is removed)"
                );
                cx.error_spanned_by(&n.tokens, msg);
            }
        }
    }
}

/// Each `nullify` edge is listed once.
fn check_nullify_listed_once(cx: &Ctxt, input: &Input<'_>) {
    let Some(nullify) = &input.attrs.nullify else {
        return;
    };
    for (i, n) in nullify.value.iter().enumerate() {
        if nullify.value[..i].contains(n) {
            cx.error_spanned_by(&n.tokens, "this `nullify` edge is listed twice: remove one");
        }
    }
}

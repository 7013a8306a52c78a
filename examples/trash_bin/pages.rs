//! The HTML pages, as maud templates: plain functions from data to markup.

use axum::http::StatusCode;
use maud::{html, Markup, DOCTYPE};
use soft_delete_runtime::{Changeset, ChangesetRows, Erasure, TableCounts};

use crate::models::{Member, Post};
use crate::staff::{Staff, STAFF};

/// A live post with its author, live comments and voters ("Deleted user" for a vote whose
/// voter is gone).
pub struct PostView {
    pub post: Post,
    pub author: String,
    pub comments: Vec<String>,
    pub voters: Vec<String>,
}

/// One changeset of the trash bin and what it holds now, per table.
pub struct TrashEntry {
    pub changeset: Changeset,
    pub subject: String,
    pub rows: Vec<ChangesetRows>,
}

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f5f6f8; }
header { background: #1d2330; color: #fff; padding: .6rem 1.5rem; display: flex; gap: 1.5rem; align-items: center; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
header .acting { margin-left: auto; display: flex; gap: .4rem; align-items: center; }
header .demo { background: #f2c94c; color: #1d2330; border-radius: 3px; padding: 0 .4rem; font-size: 12px; }
header button.current { outline: 2px solid #f2c94c; }
main { max-width: 66rem; margin: 1.5rem auto; padding: 0 1.5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e2e5ea; vertical-align: top; }
form { display: inline-flex; gap: .3rem; margin: 0; }
input { padding: .2rem .4rem; }
.muted { color: #6b7385; }
.badge { border-radius: 3px; padding: 0 .4rem; font-size: 13px; background: #e2e5ea; }
.card { background: #fff; border: 1px solid #e2e5ea; border-radius: 6px; padding: .7rem 1rem; margin-bottom: .8rem; }
.card h2 { font-size: 16px; margin: 0 0 .3rem; }
.problem { border-left: 4px solid #c0392b; }
.restored { opacity: .65; }
details.erase { display: inline-block; margin-left: .3rem; }
a.button { font-size: 13px; margin-left: .3rem; }
.comment { border-left: 3px solid #e2e5ea; padding-left: .6rem; margin: .3rem 0; }
";

fn layout(me: Option<&Staff>, back: &str, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · Club back office" }
                style { (STYLE) }
            }
            body {
                header {
                    a href="/" { "Members" }
                    a href="/posts" { "Posts" }
                    a href="/trash" { "Trash bin" }
                    @if let Some(me) = me {
                        form.acting method="post" action="/acting-as" {
                            span.demo title="No real sign-in: anyone can pick anyone" { "demo only" }
                            "Acting as"
                            input type="hidden" name="back" value=(back);
                            @for staff in &STAFF {
                                button.current[staff == me] name="name" value=(staff.name) {
                                    (staff.name) @if staff.admin { " (admin)" } @else { " (staff)" }
                                }
                            }
                        }
                    }
                }
                main { h1 { (title) } (content) }
            }
        }
    }
}

pub fn members(me: &Staff, members: &[Member]) -> Markup {
    layout(
        Some(me),
        "/",
        "Members",
        html! {
            p.muted { "Live members only: deleted ones wait in the trash bin." }
            table id="members" {
                tr { th { "Name" } th { "Email" } th { "Status" } th { "Actions" } }
                @for m in members {
                    tr id={ "member-" (m.id) } {
                        td { (m.name) }
                        td { (m.email) }
                        td { @if m.is_active { "active" } @else { span.badge { "inactive" } } }
                        td {
                            form method="post" action={ "/members/" (m.id) "/active" } {
                                input type="hidden" name="active" value=(!m.is_active);
                                button { @if m.is_active { "Deactivate" } @else { "Reactivate" } }
                            }
                            " "
                            form method="post" action={ "/members/" (m.id) "/delete" } {
                                input name="reason" placeholder="Reason" required;
                                button { "Delete" }
                            }
                            @if me.admin {
                                " "
                                a.button href={ "/members/" (m.id) "/export" } download { "Export" }
                                details.erase {
                                    summary { "Erase…" }
                                    form method="post" action={ "/members/" (m.id) "/erase" } {
                                        input name="reason" value="GDPR request" required;
                                        button { "Erase permanently" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { "Add a member" }
            form id="add" method="post" action="/members" {
                input name="name" placeholder="Name" required;
                input name="email" type="email" placeholder="Email" required;
                button { "Add" }
            }
        },
    )
}

pub fn posts(me: &Staff, posts: &[PostView]) -> Markup {
    layout(
        Some(me),
        "/posts",
        "Posts",
        html! {
            @for p in posts {
                article.card id={ "post-" (p.post.id) } {
                    h2 { (p.post.title) }
                    p.muted { "by " (p.author) }
                    @for body in &p.comments { p.comment { (body) } }
                    @if !p.voters.is_empty() {
                        p.votes { "Votes: " (p.voters.join(", ")) }
                    }
                }
            }
        },
    )
}

/// A page of the trash bin; `paged` when it is not the first page, `older` the next page's key.
pub fn trash(
    me: &Staff,
    entries: &[TrashEntry],
    paged: bool,
    older: Option<i64>,
    erasures: &[Erasure],
) -> Markup {
    layout(
        Some(me),
        "/trash",
        "Trash bin",
        html! {
            p.muted { "Every deletion, newest first. Restoring one brings back exactly what it hid." }
            @for e in entries {
                @let cs = &e.changeset;
                @let by = cs.actor.as_deref().unwrap_or("unknown");
                article.card.changeset.restored[cs.restored_at.is_some()] id={ "changeset-" (cs.id) } {
                    h2 { "#" (cs.id) " · " (e.subject) }
                    p {
                        "Deleted " (cs.created_at.format("%Y-%m-%d %H:%M")) " UTC by " b { (by) }
                        @if let Some(reason) = &cs.reason { " — “" (reason) "”" }
                    }
                    @if let Some(at) = cs.restored_at {
                        p { "Restored " (at.format("%Y-%m-%d %H:%M")) " UTC by "
                            b { (cs.restored_by.as_deref().unwrap_or("unknown")) } }
                    } @else {
                        p.holds {
                            "Holds: "
                            @for (i, r) in e.rows.iter().enumerate() {
                                @if i > 0 { " · " }
                                (r.table) " " (r.keys.len())
                            }
                        }
                        @if me.may_restore(cs.actor.as_deref()) {
                            form method="post" action={ "/trash/" (cs.id) "/restore" } {
                                button { "Restore" }
                            }
                        } @else {
                            p.muted { "Only an administrator or " (by) " may restore this." }
                        }
                    }
                }
            }
            p {
                @if paged { a href="/trash" { "← Newest" } " " }
                @if let Some(id) = older { a id="older" href={ "/trash?before=" (id) } { "Older →" } }
            }
            @if !erasures.is_empty() {
                h2 { "Erasures" }
                p.muted { "Permanent, not restorable. The record keeps that it happened, never what was erased." }
                @for e in erasures {
                    article.card.erasure id={ "erasure-" (e.id) } {
                        h2 { "Erasure #" (e.id) " · " (e.table) " #" (e.key.as_deref().unwrap_or("?")) }
                        p {
                            "Erased " (e.erased_at.format("%Y-%m-%d %H:%M")) " UTC by "
                            b { (e.actor.as_deref().unwrap_or("unknown")) }
                            @if let Some(reason) = &e.reason { " — “" (reason) "”" }
                        }
                        p { "Removed: " (counts(&e.removed)) }
                        @if e.nullified.total() > 0 { p { "Kept without their author: " (counts(&e.nullified)) } }
                    }
                }
            }
        },
    )
}

fn counts(counts: &TableCounts) -> String {
    let parts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    parts.join(" · ")
}

/// What went wrong, in words for the person who clicked; nothing was changed.
pub fn problem(status: StatusCode, message: &str) -> Markup {
    layout(
        None,
        "/",
        "Nothing was changed",
        html! {
            div.card.problem {
                p id="problem" { (message) }
                p.muted { (status) }
            }
            p { a href="/trash" { "Back to the trash bin" } " · " a href="/" { "Members" } }
        },
    )
}

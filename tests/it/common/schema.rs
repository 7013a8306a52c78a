//! The test schema: the blog (authors → posts → comments, shared with the benchmarks through
//! `soft_delete_fixtures`), tags joined to posts through `post_tags` (a row with two cascade
//! parents), a self-referencing category tree, an `invoices` table that protects posts, users
//! with a live-only unique email, and a table using the bool flag strategy; a diamond
//! (projects → milestones → tasks, projects → tasks) whose leaf, tasks, `timesheets` protect;
//! ledgers → ledger lines with async hooks that write to `audit_log`.

soft_delete_fixtures::blog_tables!();

diesel::table! {
    tags (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    post_tags (id) {
        id -> Integer,
        post_id -> Integer,
        tag_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    categories (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    invoices (id) {
        id -> Integer,
        post_id -> Integer,
        amount -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notes (code) {
        code -> Text,
        body -> Text,
        deleted -> Bool,
    }
}

diesel::table! {
    projects (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    milestones (id) {
        id -> Integer,
        project_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    tasks (id) {
        id -> Integer,
        project_id -> Integer,
        milestone_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    timesheets (id) {
        id -> Integer,
        task_id -> Integer,
        hours -> Integer,
    }
}

diesel::table! {
    shelves (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    books (id) {
        id -> Integer,
        shelf_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}
diesel::joinable!(books -> shelves (shelf_id));

diesel::table! {
    /// A table whose SQL name is not its module's (`#[sql_name]`), with a renamed column; a
    /// decoy table named `entries` (the module's name) must never be touched.
    #[sql_name = "blog_entries"]
    entries (id) {
        id -> Integer,
        title -> Text,
        #[sql_name = "removed_at"]
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Cascaded from `entries`, also renamed; its decoy is a table named `replies`.
    #[sql_name = "entry_replies"]
    replies (id) {
        id -> Integer,
        entry_id -> Integer,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// A table in another schema (PostgreSQL) or database (MySQL): `sd_other.accounts`; a
    /// decoy `accounts` sits in the test's own schema, first on the search path.
    sd_other.accounts (id) {
        id -> Integer,
        email -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Cascaded from `sd_other.accounts`, in the same schema; its decoy is `sessions`.
    sd_other.sessions (id) {
        id -> Integer,
        account_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}
diesel::joinable!(replies -> entries (entry_id));

diesel::table! {
    /// Delete policies: a member's threads and logins cascade, its votes are nullified, its
    /// unsettled bills protect it.
    members (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Cascaded from members; nullifies `bookmarks`, cascades to votes.
    threads (id) {
        id -> Integer,
        member_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Votes: nullified from members (`member_id`), cascaded from threads; SQL name `ballots`,
    /// with a decoy table named `votes` that must never be touched.
    #[sql_name = "ballots"]
    votes (id) {
        id -> Integer,
        member_id -> Nullable<Integer>,
        thread_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Cascaded from members.
    logins (id) {
        id -> Integer,
        member_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Protects members while live (unsettled); settling soft-deletes a bill.
    bills (id) {
        id -> Integer,
        member_id -> Integer,
        amount -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// No model: nullified from threads.
    bookmarks (id) {
        id -> Integer,
        thread_id -> Nullable<Integer>,
        note -> Text,
    }
}

diesel::table! {
    /// Async hooks: a ledger's `after_*_async` hooks write to `audit_log` inside the operation.
    ledgers (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Cascaded from ledgers; its `after_soft_delete_async` hook vetoes on demand.
    ledger_lines (id) {
        id -> Integer,
        ledger_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// No model: what the ledger hooks record.
    audit_log (id) {
        id -> Integer,
        event -> Text,
        changeset_id -> Nullable<BigInt>,
        touched -> BigInt,
    }
}

diesel::table! {
    /// The record after removals: a client's orders cascade; its contracts (with a real foreign
    /// key) and memos (without one) protect it, hidden or not; referrals are nullified through
    /// three edges at two levels.
    clients (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Cascaded from clients; nullifies `referrals.order_id`.
    orders (id) {
        id -> Integer,
        client_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Protects clients through a real foreign key.
    contracts (id) {
        id -> Integer,
        client_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Protects clients without a foreign key in the schema.
    memos (id) {
        id -> Integer,
        client_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
        deletion_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// No model: nullified from clients (`from_id`, `to_id`) and from orders (`order_id`).
    referrals (id) {
        id -> Integer,
        from_id -> Nullable<Integer>,
        to_id -> Nullable<Integer>,
        order_id -> Nullable<Integer>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    authors,
    posts,
    comments,
    tags,
    post_tags,
    categories,
    invoices,
    users,
    notes,
    projects,
    milestones,
    tasks,
    timesheets,
    shelves,
    books,
    entries,
    replies,
    members,
    threads,
    votes,
    logins,
    bills,
    bookmarks,
    ledgers,
    ledger_lines,
    audit_log,
    clients,
    orders,
    contracts,
    memos,
    referrals
);

/// `CREATE TABLE` statements of the tables beyond the blog, with the placeholders of
/// [`soft_delete_fixtures::ddl`].
const MORE_TABLES: &str = "
CREATE TABLE tags (id {pk}, name VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE post_tags (id {pk}, post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL,
    deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (post_id) REFERENCES posts (id), FOREIGN KEY (tag_id) REFERENCES tags (id));
CREATE TABLE categories (id {pk}, parent_id INTEGER, name VARCHAR(200) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (parent_id) REFERENCES categories (id));
CREATE TABLE invoices (id {pk}, post_id INTEGER NOT NULL, amount INTEGER NOT NULL,
    FOREIGN KEY (post_id) REFERENCES posts (id));
CREATE TABLE users (id {bigpk}, email VARCHAR(200) NOT NULL, deleted_at {ts});
CREATE TABLE notes (code VARCHAR(50) PRIMARY KEY, body VARCHAR(200) NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE projects (id {pk}, name VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE milestones (id {pk}, project_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (project_id) REFERENCES projects (id));
CREATE TABLE tasks (id {pk}, project_id INTEGER NOT NULL, milestone_id INTEGER,
    deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (project_id) REFERENCES projects (id),
    FOREIGN KEY (milestone_id) REFERENCES milestones (id));
CREATE TABLE timesheets (id {pk}, task_id INTEGER NOT NULL, hours INTEGER NOT NULL,
    FOREIGN KEY (task_id) REFERENCES tasks (id));
CREATE TABLE shelves (id {pk}, name VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE books (id {pk}, shelf_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT, FOREIGN KEY (shelf_id) REFERENCES shelves (id));
CREATE TABLE blog_entries (id {pk}, title VARCHAR(200) NOT NULL, removed_at {ts},
    deletion_id BIGINT);
CREATE TABLE entry_replies (id {pk}, entry_id INTEGER NOT NULL, body VARCHAR(200) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT, FOREIGN KEY (entry_id) REFERENCES blog_entries (id));
CREATE TABLE entries (id {pk}, title VARCHAR(200) NOT NULL, removed_at {ts}, deleted_at {ts},
    deletion_id BIGINT);
CREATE TABLE replies (id {pk}, entry_id INTEGER NOT NULL, body VARCHAR(200) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE accounts (id {pk}, email VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE sessions (id {pk}, account_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE members (id {pk}, name VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE threads (id {pk}, member_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL,
    deleted_at {ts}, deletion_id BIGINT, FOREIGN KEY (member_id) REFERENCES members (id));
CREATE TABLE ballots (id {pk}, member_id INTEGER, thread_id INTEGER NOT NULL,
    deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (member_id) REFERENCES members (id), FOREIGN KEY (thread_id) REFERENCES threads (id));
CREATE TABLE votes (id {pk}, member_id INTEGER, thread_id INTEGER NOT NULL,
    deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE logins (id {pk}, member_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (member_id) REFERENCES members (id));
CREATE TABLE bills (id {pk}, member_id INTEGER NOT NULL, amount INTEGER NOT NULL, deleted_at {ts},
    FOREIGN KEY (member_id) REFERENCES members (id));
CREATE TABLE bookmarks (id {pk}, thread_id INTEGER, note VARCHAR(200) NOT NULL,
    FOREIGN KEY (thread_id) REFERENCES threads (id));
CREATE TABLE ledgers (id {pk}, name VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE ledger_lines (id {pk}, ledger_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (ledger_id) REFERENCES ledgers (id));
CREATE TABLE audit_log (id {pk}, event VARCHAR(200) NOT NULL, changeset_id BIGINT,
    touched BIGINT NOT NULL);
CREATE TABLE clients (id {pk}, name VARCHAR(200) NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE orders (id {pk}, client_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (client_id) REFERENCES clients (id));
CREATE TABLE contracts (id {pk}, client_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT,
    FOREIGN KEY (client_id) REFERENCES clients (id));
CREATE TABLE memos (id {pk}, client_id INTEGER NOT NULL, deleted_at {ts}, deletion_id BIGINT);
CREATE TABLE referrals (id {pk}, from_id INTEGER, to_id INTEGER, order_id INTEGER,
    FOREIGN KEY (from_id) REFERENCES clients (id), FOREIGN KEY (to_id) REFERENCES clients (id),
    FOREIGN KEY (order_id) REFERENCES orders (id));
CREATE INDEX posts_deletion_id ON posts (deletion_id);
CREATE INDEX comments_deletion_id ON comments (deletion_id);
";

/// The DDL of every table above, placeholders unfilled ([`super::TestDb::connect`] fills them).
pub fn ddl() -> String {
    format!("{}{MORE_TABLES}", soft_delete_fixtures::BLOG_TABLES)
}

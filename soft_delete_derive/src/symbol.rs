//! Every attribute key, named once.

pub const SOFT_DELETE: &str = "soft_delete";
pub const DIESEL: &str = "diesel";

pub const DELETED_AT: &str = "deleted_at";
pub const DELETED: &str = "deleted";
pub const DELETION_ID: &str = "deletion_id";
pub const CASCADE: &str = "cascade";
pub const PROTECT: &str = "protect";
pub const NULLIFY: &str = "nullify";
pub const HOOKS: &str = "hooks";
pub const VIEW_OF: &str = "view_of";

/// The keys `#[soft_delete(...)]` accepts, for "unknown key" messages.
pub const KEYS: &[&str] = &[
    DELETED_AT,
    DELETED,
    DELETION_ID,
    CASCADE,
    PROTECT,
    NULLIFY,
    HOOKS,
    VIEW_OF,
];

pub const TABLE_NAME: &str = "table_name";
pub const PRIMARY_KEY: &str = "primary_key";
pub const COLUMN_NAME: &str = "column_name";

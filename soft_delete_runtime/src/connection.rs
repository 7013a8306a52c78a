//! The connections the operations accept.

use diesel::connection::LoadConnection;
use diesel::Connection;

use crate::backend::SoftDeleteBackend;

/// A Diesel connection to a supported backend: `SqliteConnection`, `PgConnection`,
/// `MysqlConnection`, or a pooled connection wrapping one of them.
///
/// Implemented for every such connection; you never implement it.
pub trait SoftDeleteConnection:
    Connection<Backend: SoftDeleteBackend> + LoadConnection + 'static
{
}

impl<C> SoftDeleteConnection for C
where
    C: Connection + LoadConnection + 'static,
    C::Backend: SoftDeleteBackend,
{
}

/// The backend of connection `C`.
pub type BackendOf<C> = <C as Connection>::Backend;

/// A diesel-async connection to a supported backend (feature `async`):
/// `AsyncPgConnection`, `AsyncMysqlConnection`, `SyncConnectionWrapper<SqliteConnection>`, or a
/// pooled connection wrapping one of them.
///
/// Implemented for every such connection; you never implement it.
#[cfg(feature = "async")]
pub trait SoftDeleteAsyncConnection:
    diesel_async::AsyncConnection<Backend: SoftDeleteBackend> + 'static
{
}

#[cfg(feature = "async")]
impl<C> SoftDeleteAsyncConnection for C
where
    C: diesel_async::AsyncConnection + 'static,
    C::Backend: SoftDeleteBackend,
{
}

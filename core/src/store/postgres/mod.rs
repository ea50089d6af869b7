//! The PostgreSQL backends of the store traits (feature `postgres`): one database holds the
//! devices of many accounts, as a SQLite file does, and many processes may share it.
//! [`PostgresStore`] connects and hands out the accounts ([`PostgresDeviceStore`],
//! `device.rs`), each with its Signal state ([`PostgresSignalStore`], `signal.rs`), messaging
//! caches ([`PostgresMessagingStore`], `messaging.rs`) and app state
//! ([`PostgresAppStateStore`], `app_state.rs`). `schema.rs` holds the versioned migrations.
//!
//! # The sync bridge
//! The store traits are synchronous (the client calls them from its blocking pool), the driver
//! (tokio-postgres, pooled by deadpool-postgres) is async. Each [`PostgresStore`] owns a small
//! tokio runtime of its own that runs the connections' I/O; a trait call enters that runtime's
//! context (so new pool connections are spawned there) and drives its query future to
//! completion on the calling thread with `futures_executor::block_on`. The future only waits on
//! channels to the connection tasks, so this works from any thread, a tokio worker of another
//! runtime included (it then blocks that worker for the round trip, as a SQLite call blocks on
//! the disk); `tokio::task::unconstrained` keeps the caller's cooperative budget, which belongs
//! to another runtime's task, out of it.
//!
//! # Atomicity
//! What SQLite does in one transaction is one PostgreSQL transaction here too: a decryption's
//! [`crate::store::StoreChanges`] (so a message is acked only after its session state is
//! committed), an app state batch, a device's deletion with all its rows.
mod app_state;
mod device;
mod messaging;
mod schema;
mod signal;

use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

pub use app_state::PostgresAppStateStore;
pub use device::{PostgresDeviceStore, PostgresStore};
pub use messaging::PostgresMessagingStore;
pub use signal::PostgresSignalStore;

use crate::store::StoreError;

/// How many connections a [`PostgresStore`] opens at most unless told otherwise.
pub const DEFAULT_POOL_SIZE: usize = 16;

/// How long a call waits for a free connection, or for a new one to be made, before failing.
const POOL_TIMEOUT: Duration = Duration::from_secs(30);

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        // The server's error carries its SQLSTATE; keep it in the message for the operator.
        match e.as_db_error() {
            Some(db) => StoreError::Postgres(format!("{} ({})", db.message(), db.code().code())),
            None => StoreError::Postgres(e.to_string()),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            e => StoreError::Postgres(format!("connection pool: {e}")),
        }
    }
}

/// The pool, and the runtime its connections run on.
pub(crate) struct Db {
    runtime: Option<tokio::runtime::Runtime>,
    pool: Pool,
}

impl Db {
    /// Connects lazily: the pool opens connections on first use (the caller then migrates,
    /// which fails at once when the server cannot be reached).
    fn new(config: tokio_postgres::Config, pool_size: usize) -> Result<Db, StoreError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("wazap-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Postgres(format!("starting the driver's runtime: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = {
            let _enter = runtime.enter();
            Pool::builder(manager)
                .max_size(pool_size.max(1))
                .wait_timeout(Some(POOL_TIMEOUT))
                .create_timeout(Some(POOL_TIMEOUT))
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .build()
                .map_err(|e| StoreError::Postgres(format!("building the pool: {e}")))?
        };
        Ok(Db { runtime: Some(runtime), pool })
    }

    /// Runs `work` to completion on the calling thread (see the module's "sync bridge").
    pub(crate) fn run<T>(
        &self,
        work: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let runtime = self.runtime.as_ref().expect("the runtime lives as long as the Db");
        let _enter = runtime.enter();
        futures_executor::block_on(tokio::task::unconstrained(work))
    }

    /// A pooled connection (inside [`Db::run`]).
    pub(crate) async fn client(&self) -> Result<Object, StoreError> {
        Ok(self.pool.get().await?)
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // A runtime may not be dropped (which blocks) inside another runtime's task, where the
        // last handle to a store may well go: let its threads end by themselves.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Parses a connection URL (`postgres://user:pass@host:port/db?sslmode=disable`) or a
/// key=value string, with a clear error.
pub fn parse_config(url: &str) -> Result<tokio_postgres::Config, StoreError> {
    url.parse::<tokio_postgres::Config>()
        .map_err(|e| StoreError::Postgres(format!("bad connection string: {e}")))
}

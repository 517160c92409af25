//! The data package aggregate: the metadata of every package uploaded
//! through the Marti API, and the groups each is shared with.
//!
//! The bytes themselves are not here: the Marti crate keeps them
//! content-addressed on disk, and a [`Package`] names its file by hash
//! (several packages may share one file, the same bytes uploaded twice).
//! [`crate::SqlitePackages`] implements [`PackageCatalog`] on its own
//! SQLite file.

/// One stored data package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// Row id, served as `PrimaryKey`; 0 before insertion.
    pub pk: i64,
    /// The package's uid (a UUID the server gives it).
    pub uid: String,
    /// Display name.
    pub name: String,
    /// File name offered on download.
    pub filename: String,
    /// SHA-256 of the content, lower-case hex: the name of its file.
    pub hash: String,
    /// MIME type.
    pub mime: String,
    /// Size of the content, bytes.
    pub size: u64,
    /// Keywords, in the order given.
    pub keywords: Vec<String>,
    /// The uid of the device that made it, as the uploader said.
    pub creator_uid: String,
    /// The authenticated user who uploaded it (`anonymous` without one);
    /// quotas are per submitter.
    pub submitter: String,
    /// When it was stored, milliseconds since the Unix epoch.
    pub submitted_ms: i64,
    /// `public` or `private`.
    pub tool: String,
    /// Groups it is shared with; never empty for a stored package.
    pub groups: Vec<String>,
}

/// Search criteria; `None` matches anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackageFilter {
    /// One of the keywords, exactly.
    pub keyword: Option<String>,
    /// The tool, exactly.
    pub tool: Option<String>,
    /// The MIME type, exactly.
    pub mime: Option<String>,
    /// Case-insensitive substring of the name.
    pub name: Option<String>,
    /// Case-insensitive substring of the file name.
    pub filename: Option<String>,
    /// The uid, exactly.
    pub uid: Option<String>,
    /// The content hash, exactly.
    pub hash: Option<String>,
    /// Submitted at or after, milliseconds since the Unix epoch.
    pub from_ms: Option<i64>,
    /// Submitted before, milliseconds since the Unix epoch.
    pub to_ms: Option<i64>,
}

/// Moves an uploaded file into place; [`PackageCatalog::insert`] runs it
/// once the quota allows the package and before its row is written.
pub type PlaceFile<'a> = Box<dyn FnOnce() -> std::io::Result<()> + 'a>;

/// Why a package operation failed, sorted by what the API answers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// Storing the package would take its submitter over the quota
    /// (the API answers 413); nothing was stored or moved.
    #[error(
        "storing {size} bytes would exceed the quota of {quota} bytes for user {submitter:?} ({used} bytes used)"
    )]
    QuotaExceeded {
        /// Size of the refused package, bytes.
        size: u64,
        /// The quota, bytes.
        quota: u64,
        /// What the submitter's distinct files take already, bytes.
        used: u64,
        /// The submitter.
        submitter: String,
    },
    /// The file could not be moved into place; no row was stored.
    #[error("package storage: {0}")]
    PlaceFile(#[source] std::io::Error),
    /// The catalog was written by a newer watchfloor.
    #[error("package database schema version {0} is newer than this build understands")]
    SchemaTooNew(i64),
    /// The database failed (cannot open, locked, full, damaged).
    #[error("package database: {0}")]
    Db(#[from] rusqlite::Error),
}

/// The package metadata the Marti API keeps.
///
/// Methods are synchronous and may wait on the disk: call them from a
/// blocking thread. `Sync`, so one catalog serves every request.
pub trait PackageCatalog: Send + Sync {
    /// Stores `pkg` unless its submitter's distinct files (by hash, counted
    /// once each) plus this one would exceed `quota_bytes`; a hash the
    /// submitter already has costs nothing. Atomic with the check:
    /// `place_file` runs after it and before the row is written, so a
    /// refused upload never reaches the package directory and a failed move
    /// stores nothing. Returns the package with its `pk`.
    ///
    /// # Errors
    /// [`PackageError::QuotaExceeded`], [`PackageError::PlaceFile`] with
    /// `place_file`'s error, [`PackageError::Db`].
    fn insert(
        &self,
        pkg: Package,
        quota_bytes: u64,
        place_file: PlaceFile<'_>,
    ) -> Result<Package, PackageError>;

    /// Packages matching `filter`, newest first, at most `limit`. With
    /// `groups`, only those shared with at least one of them (none for an
    /// empty list); `None` does not filter by group.
    ///
    /// # Errors
    /// [`PackageError::Db`].
    fn search(
        &self,
        filter: &PackageFilter,
        groups: Option<&[String]>,
        limit: usize,
    ) -> Result<Vec<Package>, PackageError>;

    /// Sets the tool (`public` or `private`) of the packages with these
    /// `pk`s, all or none.
    ///
    /// # Errors
    /// [`PackageError::Db`].
    fn set_tool(&self, pks: &[i64], tool: &str) -> Result<(), PackageError>;
}

//! Visibility-aware package lookups shared by the handlers: everything goes through
//! [`AppState::visible`], so no handler can forget the group check or the missing-file check.

use picture::Identity;
use store::{Package, PackageCatalog, PackageError, PackageFilter};

use crate::blob::Blobs;
use crate::{ApiError, AppState};

/// Most packages one search answers.
pub(crate) const MAX_RESULTS: usize = 1000;

impl AppState {
    /// Runs catalog or file work off the async threads.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn PackageCatalog, &Blobs) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let packages = self.packages.clone();
        let blobs = self.blobs.clone();
        tokio::task::spawn_blocking(move || f(packages.as_ref(), &blobs)).await?
    }

    /// Packages matching `filter` that `caller` may see and whose file is present, newest
    /// first, at most `limit`.
    pub(crate) async fn visible(
        &self,
        filter: PackageFilter,
        caller: &Identity,
        limit: usize,
    ) -> Result<Vec<Package>, ApiError> {
        // An operator (who hears everything) searches without a group filter; the server
        // gives network callers none, but the rule is Identity's, not this crate's.
        let groups = caller.recv().map(<[String]>::to_vec);
        let found = self
            .blocking(move |db, blobs| {
                let rows = db
                    .search(&filter, groups.as_deref(), limit)
                    .map_err(package_error)?;
                Ok(rows
                    .into_iter()
                    .map(|p| {
                        let present = blobs.exists(&p.hash);
                        (p, present)
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
        let mut out = Vec::with_capacity(found.len());
        for (p, present) in found {
            if present {
                out.push(p);
            } else {
                self.warn_missing(&p.hash);
            }
        }
        Ok(out)
    }

    /// The newest visible package with this hash, or 404.
    pub(crate) async fn visible_by_hash(
        &self,
        hash: &str,
        caller: &Identity,
    ) -> Result<Package, ApiError> {
        let filter = PackageFilter {
            hash: Some(hash.to_owned()),
            ..PackageFilter::default()
        };
        self.visible(filter, caller, 1)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("no data package with this hash"))
    }

    /// The visible package with this uid, or 404.
    pub(crate) async fn visible_by_uid(
        &self,
        uid: &str,
        caller: &Identity,
    ) -> Result<Package, ApiError> {
        let filter = PackageFilter {
            uid: Some(uid.to_owned()),
            ..PackageFilter::default()
        };
        self.visible(filter, caller, 1)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("no data package with this uid"))
    }

    /// A row whose file vanished (deleted by hand, disk restored from an old backup) is
    /// treated as absent; say so once per hash rather than on every request.
    fn warn_missing(&self, hash: &str) {
        let mut warned = self
            .warned_missing
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if warned.insert(hash.to_owned()) {
            tracing::warn!(
                hash,
                "data package file is missing; treating the package as absent"
            );
        }
    }
}

/// What the API answers when the catalog fails: 413 over the quota, else 500 (the detail is
/// logged, not sent).
pub(crate) fn package_error(e: PackageError) -> ApiError {
    match e {
        PackageError::QuotaExceeded { .. } => ApiError::too_large("quota_exceeded", e.to_string()),
        PackageError::PlaceFile(io) => ApiError::from(io),
        other => ApiError::internal(other),
    }
}

/// ISO-8601 UTC text (`2024-05-01T12:00:00.000Z`) for milliseconds since the Unix epoch.
pub(crate) fn iso(ms: i64) -> String {
    cot::Time::from_millis(ms).to_string()
}

/// Milliseconds since the Unix epoch from an ISO-8601 parameter, or 400.
pub(crate) fn parse_iso(field: &str, raw: &str) -> Result<i64, ApiError> {
    cot::Time::parse(raw).map(|t| t.millis()).map_err(|e| {
        ApiError::bad_request(
            "bad_time",
            format!("{field} is not an ISO-8601 time ({e}), e.g. 2024-05-01T12:00:00Z"),
        )
    })
}

//! `POST /Marti/sync/missionupload` (ATAK's data-package upload) and `POST /Marti/sync/upload`
//! (raw body or multipart, answered with the metadata as JSON).

use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use picture::Identity;
use store::{Package, PackageFilter};

use crate::access::package_error;
use crate::blob::FinishedBlob;
use crate::extract::Caller;
use crate::extract::{Origin, QueryShape, Q};
use crate::names::{parse_hash, parse_list, parse_mime, parse_text, parse_tool, sanitize_filename};
use crate::receive::{receive_multipart, receive_raw, Part};
use crate::search::package_json;
use crate::{ApiError, Shared};

/// Query of `missionupload`.
#[derive(Deserialize)]
pub(crate) struct MissionUploadQuery {
    hash: Option<String>,
    filename: Option<String>,
    #[serde(rename = "creatorUid", alias = "CreatorUid")]
    creator_uid: Option<String>,
    mimetype: Option<String>,
    keyword: Option<String>,
    tool: Option<String>,
    groups: Option<String>,
}

impl QueryShape for MissionUploadQuery {
    // node-tak repeats `keyword` (always `missionpackage` first) and sends
    // the groups as repeated `Groups`.
    const LISTS: &'static [&'static str] = &["keyword", "groups"];
}

/// Query of `upload`.
#[derive(Deserialize)]
pub(crate) struct UploadQuery {
    name: Option<String>,
    filename: Option<String>,
    keywords: Option<String>,
    #[serde(rename = "creatorUid", alias = "CreatorUid")]
    creator_uid: Option<String>,
    mimetype: Option<String>,
    tool: Option<String>,
    groups: Option<String>,
}

impl QueryShape for UploadQuery {
    const LISTS: &'static [&'static str] = &["keywords", "groups"];
}

/// Metadata of an upload, validated before any byte of the body is read.
struct Meta {
    /// The package's uid when the client names it; else a new UUID.
    uid: Option<String>,
    name: Option<String>,
    filename: Option<String>,
    mime: Option<String>,
    keywords: Vec<String>,
    creator_uid: String,
    tool: String,
    groups: Vec<String>,
}

/// Stores the multipart part `assetfile`; answers the content URL as text.
pub(crate) async fn mission_upload(
    State(st): State<Shared>,
    Caller(caller): Caller,
    origin: Origin,
    Q(q): Q<MissionUploadQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let claimed = q.hash.as_deref().map(parse_hash).transpose()?;
    let meta = Meta {
        // TAK Server stores a mission package under the hash the client
        // sent as its UID, and clients then search by it (`search?uid=`).
        uid: claimed.clone(),
        name: None,
        filename: q.filename.as_deref().map(sanitize_filename).transpose()?,
        mime: Some(parse_mime(
            q.mimetype
                .as_deref()
                .unwrap_or("application/x-zip-compressed"),
        )?),
        keywords: parse_list("keyword", q.keyword.as_deref().unwrap_or("missionpackage"))?,
        creator_uid: parse_text("creatorUid", q.creator_uid.as_deref().unwrap_or(""))?,
        tool: parse_tool(q.tool.as_deref().unwrap_or("public"))?,
        groups: share_groups(&caller, q.groups.as_deref())?,
    };
    let (blob, part) = receive_multipart(&st, req, Some("assetfile")).await?;
    if let Some(claimed) = claimed.filter(|c| *c != blob.hash) {
        // TAK Server ignores the client's hash too; the computed one is the truth.
        tracing::info!(claimed, computed = %blob.hash, "missionupload hash parameter disagrees with the content");
    }
    let pkg = store(&st, &caller, meta, blob, part).await?;
    Ok(content_url(&origin, &pkg.hash).into_response())
}

/// Stores a raw body or the first file part of a multipart body; answers the metadata.
pub(crate) async fn upload(
    State(st): State<Shared>,
    Caller(caller): Caller,
    Q(q): Q<UploadQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let meta = Meta {
        uid: None,
        name: q
            .name
            .as_deref()
            .map(|n| parse_text("name", n))
            .transpose()?,
        filename: q.filename.as_deref().map(sanitize_filename).transpose()?,
        mime: q.mimetype.as_deref().map(parse_mime).transpose()?,
        keywords: parse_list("keywords", q.keywords.as_deref().unwrap_or(""))?,
        creator_uid: parse_text("creatorUid", q.creator_uid.as_deref().unwrap_or(""))?,
        tool: parse_tool(q.tool.as_deref().unwrap_or("public"))?,
        groups: share_groups(&caller, q.groups.as_deref())?,
    };
    let is_multipart = content_type(req.headers()).starts_with("multipart/form-data");
    let (blob, part) = if is_multipart {
        receive_multipart(&st, req, None).await?
    } else {
        let mime = parse_mime(content_type(req.headers())).ok();
        let blob = receive_raw(&st, req).await?;
        (
            blob,
            Part {
                filename: None,
                mime,
            },
        )
    };
    let pkg = store(&st, &caller, meta, blob, part).await?;
    // Not `application/json`: node-tak's `Files.upload` parses the body text
    // itself and fails when its fetch layer already parsed an exact
    // `application/json`. `text/json` is what TAK Server sets.
    Ok((
        [(CONTENT_TYPE, "text/json")],
        package_json(&pkg).to_string(),
    )
        .into_response())
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The groups a new package is shared with: the caller's send groups, or the requested
/// comma-separated ones that the caller belongs to.
fn share_groups(caller: &Identity, requested: Option<&str>) -> Result<Vec<String>, ApiError> {
    let requested = parse_list("groups", requested.unwrap_or(""))?;
    let groups: Vec<String> = if requested.is_empty() {
        caller.send().to_vec()
    } else {
        requested
            .into_iter()
            .filter(|g| caller.send().contains(g))
            .collect()
    };
    if groups.is_empty() {
        return Err(ApiError::forbidden(
            "the caller may not share with any of the requested groups",
        ));
    }
    Ok(groups)
}

/// Checks the quota, moves the file into place and records the package.
async fn store(
    st: &Shared,
    caller: &Identity,
    meta: Meta,
    blob: FinishedBlob,
    part: Part,
) -> Result<Package, ApiError> {
    let filename = match (
        meta.filename,
        part.filename.as_deref(),
        meta.name.as_deref(),
    ) {
        (Some(f), _, _) => f,
        (None, Some(f), _) | (None, None, Some(f)) => sanitize_filename(f)?,
        (None, None, None) => {
            return Err(ApiError::bad_request(
                "missing_filename",
                "filename is required",
            ))
        }
    };
    let pkg = Package {
        pk: 0,
        uid: meta.uid.unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        name: meta.name.unwrap_or_else(|| filename.clone()),
        filename,
        hash: blob.hash.clone(),
        mime: meta
            .mime
            .or(part.mime)
            .unwrap_or_else(|| "application/octet-stream".to_owned()),
        size: blob.size,
        keywords: meta.keywords,
        creator_uid: meta.creator_uid,
        submitter: caller.user().unwrap_or("anonymous").to_owned(),
        submitted_ms: st.clock.now().millis(),
        tool: meta.tool,
        groups: meta.groups,
    };
    let quota = st.config.quota_bytes_per_user;
    let pkg = st
        .blocking(move |db, blobs| {
            let mut pkg = pkg;
            let taken = PackageFilter {
                uid: Some(pkg.uid.clone()),
                ..PackageFilter::default()
            };
            if !db
                .search(&taken, None, 1)
                .map_err(package_error)?
                .is_empty()
            {
                // Uids are unique here (TAK Server keeps a second row): the
                // same hash uploaded again keeps its first package findable
                // by that uid and gets a fresh one.
                pkg.uid = uuid::Uuid::new_v4().to_string();
            }
            db.insert(pkg, quota, Box::new(move || blobs.commit(blob)))
                .map_err(package_error)
        })
        .await?;
    tracing::info!(uid = %pkg.uid, hash = %pkg.hash, size = pkg.size, submitter = %pkg.submitter, "data package stored");
    Ok(pkg)
}

/// The URL TAK clients download a package from.
pub(crate) fn content_url(origin: &Origin, hash: &str) -> String {
    format!("{}/Marti/sync/content?hash={hash}", origin.base)
}

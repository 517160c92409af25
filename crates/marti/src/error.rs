//! Errors: [`MartiError`] for opening the API, [`ApiError`] for every HTTP rejection.

use std::path::PathBuf;

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why [`crate::Marti::open`] failed.
#[derive(Debug, thiserror::Error)]
pub enum MartiError {
    /// A directory or file under the data directory could not be created or read.
    #[error("data directory {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A setting is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// One rejection of an HTTP request, answered as
/// `{"error": {"status": 413, "code": "too_large", "message": "..."}}` with the same status.
///
/// Every failure path of the API, axum's extractor rejections included, ends up here, so a
/// client only has to understand this one shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code, e.g. `not_found`, `too_large`, `bad_request`.
    pub code: &'static str,
    /// A human-readable explanation, lower case, no trailing period.
    pub message: String,
}

impl ApiError {
    /// An error with any status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with a specific code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 `not_found`: also the answer for things that exist but are not visible.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 413 with a specific code (`too_large`, `quota_exceeded`).
    pub fn too_large(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, code, message)
    }

    /// 500 `internal`: the detail is logged, never sent, since it may name server paths.
    pub(crate) fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "marti internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal server error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(
                status = self.status.as_u16(),
                code = self.code,
                "marti request failed"
            );
        } else {
            tracing::debug!(status = self.status.as_u16(), code = self.code, message = %self.message, "marti request rejected");
        }
        let body = json!({"error": {"status": self.status.as_u16(), "code": self.code, "message": self.message}});
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        ApiError::bad_request("bad_query", r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::bad_request("bad_path", r.body_text())
    }
}

impl From<MultipartRejection> for ApiError {
    fn from(r: MultipartRejection) -> ApiError {
        ApiError::bad_request("bad_multipart", r.body_text())
    }
}

impl From<MultipartError> for ApiError {
    fn from(e: MultipartError) -> ApiError {
        // multer reports an exceeded body limit as 413 and everything else (truncation,
        // malformed boundaries) as 400; keep its status so the client can tell them apart.
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large("too_large", "request body exceeds the upload size limit")
        } else if status.is_client_error() {
            ApiError::new(status, "bad_multipart", e.body_text())
        } else {
            ApiError::internal(e.body_text())
        }
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> ApiError {
        ApiError::internal(format_args!("package storage: {e}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> ApiError {
        ApiError::internal(format_args!("blocking task: {e}"))
    }
}

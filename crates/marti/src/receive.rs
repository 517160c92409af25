//! Receiving an upload body: a multipart part or a raw body, streamed to a temporary file
//! while it is hashed and counted.
//!
//! An oversized upload is still read to its end, up to twice the limit, and thrown away:
//! ATAK and iTAK send the whole body before they read the answer, and closing on them
//! mid-body turns a clear 413 into a "connection reset".

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_LENGTH;
use futures::StreamExt;

use crate::blob::{FinishedBlob, TempBlob};
use crate::names::parse_mime;
use crate::{ApiError, Shared};

/// What a multipart part says about itself.
pub(crate) struct Part {
    pub(crate) filename: Option<String>,
    pub(crate) mime: Option<String>,
}

/// Streams the wanted part (by name, or the first part with a file name) to a temporary file.
pub(crate) async fn receive_multipart(
    st: &Shared,
    req: Request,
    wanted: Option<&str>,
) -> Result<(FinishedBlob, Part), ApiError> {
    let mut mp = Multipart::from_request(req, &()).await?;
    let mut found = None;
    while let Some(mut field) = mp.next_field().await? {
        let matches = match wanted {
            Some(w) => field.name() == Some(w),
            None => field.file_name().is_some() || field.name() == Some("assetfile"),
        };
        if !matches || found.is_some() {
            // Other form fields are read and discarded; the body limit bounds them.
            while field.chunk().await?.is_some() {}
            continue;
        }
        let part = Part {
            filename: field.file_name().map(str::to_owned),
            mime: field.content_type().and_then(|m| parse_mime(m).ok()),
        };
        let mut tmp = st.blobs.begin(st.config.max_upload_bytes).await?;
        let written = async {
            while let Some(chunk) = field.chunk().await? {
                tmp.write(&chunk).await?;
            }
            Ok::<(), ApiError>(())
        }
        .await;
        if let Err(e) = written {
            drop(tmp);
            if e.code == "too_large" {
                // ATAK sends the whole body before it reads the answer: swallow the rest (the
                // route's body limit bounds this) so it sees the 413 rather than a reset.
                while let Ok(Some(_)) = field.chunk().await {}
                drop(field);
                while let Ok(Some(mut f)) = mp.next_field().await {
                    while let Ok(Some(_)) = f.chunk().await {}
                }
            }
            return Err(e);
        }
        found = Some((tmp, part));
    }
    // Only after the closing boundary is the upload known to be complete.
    let Some((tmp, part)) = found else {
        return Err(ApiError::bad_request(
            "missing_file",
            match wanted {
                Some(w) => format!("multipart body has no part named {w:?}"),
                None => "multipart body has no file part".to_owned(),
            },
        ));
    };
    Ok((finish(tmp).await?, part))
}

/// Streams a raw request body to a temporary file.
pub(crate) async fn receive_raw(st: &Shared, req: Request) -> Result<FinishedBlob, ApiError> {
    let limit = st.config.max_upload_bytes;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Far too large: refuse before reading; within twice the limit the body is read (and
    // dropped) below so the client gets to read the answer.
    if declared.is_some_and(|n| n > limit.saturating_mul(2)) {
        return Err(ApiError::too_large(
            "too_large",
            format!("upload exceeds the limit of {limit} bytes"),
        ));
    }
    let mut tmp: TempBlob = st.blobs.begin(limit).await?;
    let mut stream = Body::into_data_stream(req.into_body());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(
                "truncated_body",
                format!("request body could not be read: {e}"),
            )
        })?;
        if let Err(e) = tmp.write(&chunk).await {
            drop(tmp);
            // As for multipart: let a client that sends everything first read its 413, but
            // read no more than another `limit` bytes for it.
            let mut swallowed = 0u64;
            while swallowed < limit {
                match stream.next().await {
                    Some(Ok(c)) => swallowed = swallowed.saturating_add(c.len() as u64),
                    _ => break,
                }
            }
            return Err(e);
        }
    }
    finish(tmp).await
}

async fn finish(tmp: TempBlob) -> Result<FinishedBlob, ApiError> {
    let blob = tmp.finish().await?;
    if blob.size == 0 {
        return Err(ApiError::bad_request(
            "empty_upload",
            "the uploaded file is empty",
        ));
    }
    Ok(blob)
}

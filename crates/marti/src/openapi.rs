//! The hand-written OpenAPI 3.0 description of the Marti API: its part of the server's one
//! document.

/// `openapi.json`, embedded at build time.
pub(crate) const OPENAPI_JSON: &str = include_str!("openapi.json");

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use crate::routes::table;

    /// `/a/:b/c` in axum is `/a/{b}/c` in OpenAPI.
    fn openapi_path(axum_path: &str) -> String {
        axum_path
            .split('/')
            .map(|seg| match seg.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => seg.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn every_route_is_described() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        assert_eq!(doc["openapi"].as_str().unwrap().get(..2), Some("3."));
        let paths = doc["paths"].as_object().unwrap();
        let routes = table(1024);
        for (spec, _) in &routes {
            let p = openapi_path(spec.path);
            let item = paths
                .get(&p)
                .unwrap_or_else(|| panic!("{p} missing from openapi.json"));
            for m in spec.methods {
                let op = &item[*m];
                assert!(op.is_object(), "{m} {p} missing from openapi.json");
                assert!(op["responses"].is_object(), "{m} {p} has no responses");
            }
        }
        // And nothing described that the router does not serve.
        assert_eq!(paths.len(), routes.len());
        // The part merges into the one document, whose base gives the Error shape.
        let mut whole = api::openapi::Document::new("t", "d");
        whole.merge("marti", OPENAPI_JSON).unwrap();
        assert!(whole.value()["components"]["schemas"]["Error"].is_object());
    }
}

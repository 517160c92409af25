//! One OpenAPI 3 document for every listener, assembled from the part
//! each subsystem describes. A part is an OpenAPI document of its own
//! (`openapi`, `paths`, optionally `components`); [`Document::merge`] adds
//! its paths and components and refuses a path or a component that another
//! part already describes differently, so two subsystems cannot silently
//! claim the same endpoint.

use serde_json::{json, Map, Value};

/// Why a part could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenApiError {
    /// The part is not JSON, or not an object with `paths`.
    #[error("openapi part {part}: {why}")]
    Malformed {
        /// The part's name.
        part: String,
        /// What is wrong.
        why: String,
    },
    /// Two parts describe the same path.
    #[error("openapi part {part} describes {path}, which another part already describes")]
    DuplicatePath {
        /// The part's name.
        part: String,
        /// The path.
        path: String,
    },
    /// Two parts define a component of the same name differently.
    #[error("openapi part {part} redefines component {name}")]
    ConflictingComponent {
        /// The part's name.
        part: String,
        /// `schemas/Name` or `responses/Name`.
        name: String,
    },
}

/// The assembled document.
#[derive(Debug, Clone)]
pub struct Document {
    doc: Value,
}

impl Document {
    /// An empty document with this title and description.
    pub fn new(title: &str, description: &str) -> Document {
        Document {
            doc: json!({
                "openapi": "3.0.3",
                "info": {"title": title, "version": "1", "description": description},
                "paths": {},
                "components": {
                    "schemas": {"Error": error_schema()},
                    "responses": {"Error": {
                        "description": "any rejection, in the one error shape",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    }},
                },
            }),
        }
    }

    /// Adds the paths and components of `part` (OpenAPI JSON text), named
    /// `name` in errors.
    pub fn merge(&mut self, name: &str, part: &str) -> Result<(), OpenApiError> {
        let malformed = |why: &str| OpenApiError::Malformed {
            part: name.to_string(),
            why: why.to_string(),
        };
        let part: Value = serde_json::from_str(part).map_err(|e| malformed(&e.to_string()))?;
        let paths = part
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| malformed("no paths object"))?;
        let mine = self.section("paths");
        for (p, item) in paths {
            if mine.contains_key(p) {
                return Err(OpenApiError::DuplicatePath {
                    part: name.to_string(),
                    path: p.clone(),
                });
            }
            mine.insert(p.clone(), item.clone());
        }
        let Some(components) = part.get("components").and_then(Value::as_object) else {
            return Ok(());
        };
        for (kind, defs) in components {
            let Some(defs) = defs.as_object() else {
                return Err(malformed("components must hold objects"));
            };
            let section = self.section("components");
            let slot = section
                .entry(kind.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Some(slot) = slot.as_object_mut() else {
                return Err(malformed("components must hold objects"));
            };
            for (n, def) in defs {
                match slot.get(n) {
                    Some(old) if old != def => {
                        return Err(OpenApiError::ConflictingComponent {
                            part: name.to_string(),
                            name: format!("{kind}/{n}"),
                        })
                    }
                    Some(_) => {}
                    None => {
                        slot.insert(n.clone(), def.clone());
                    }
                }
            }
        }
        Ok(())
    }

    fn section(&mut self, key: &str) -> &mut Map<String, Value> {
        let Value::Object(doc) = &mut self.doc else {
            unreachable!("a document is always an object");
        };
        let v = doc
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !v.is_object() {
            *v = Value::Object(Map::new());
        }
        match v {
            Value::Object(m) => m,
            _ => unreachable!("just made an object"),
        }
    }

    /// The paths described, in OpenAPI form (`/a/{b}`).
    pub fn paths(&self) -> Vec<String> {
        self.doc["paths"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The document as a JSON value.
    pub fn value(&self) -> &Value {
        &self.doc
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        self.doc.to_string()
    }
}

/// The schema of [`crate::ApiError`]'s JSON, shared by every part.
fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "example": 413},
                "code": {"type": "string", "example": "too_large",
                    "description": "a stable machine-readable code: not_found, forbidden, unauthorized, method_not_allowed, too_large, quota_exceeded, internal, bad_query, bad_path, bad_body, bad_multipart, and the bad_* and missing_* codes of each endpoint"},
                "message": {"type": "string", "description": "for people: lower case, no trailing period"},
            },
        }},
    })
}

/// An axum route path (`/a/:b/*c`) in OpenAPI form (`/a/{b}/{c}`).
pub fn openapi_path(axum_path: &str) -> String {
    axum_path
        .split('/')
        .map(
            |seg| match seg.strip_prefix(':').or_else(|| seg.strip_prefix('*')) {
                Some(name) => format!("{{{name}}}"),
                None => seg.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"openapi":"3.0.3","paths":{"/a":{"get":{"responses":{}}}},"components":{"schemas":{"Shared":{"type":"object"}}}}"#;
    const B: &str = r#"{"openapi":"3.0.3","paths":{"/b/{id}":{"get":{"responses":{}}}},"components":{"schemas":{"Shared":{"type":"object"},"B":{}}}}"#;

    #[test]
    fn parts_merge_into_one_document() {
        let mut d = Document::new("t", "d");
        d.merge("a", A).expect("a");
        d.merge("b", B).expect("b");
        let mut paths = d.paths();
        paths.sort();
        assert_eq!(paths, vec!["/a".to_string(), "/b/{id}".to_string()]);
        assert!(d.value()["components"]["schemas"]["B"].is_object());
        assert_eq!(d.value()["openapi"], "3.0.3");
        assert!(d.value()["components"]["schemas"]["Error"].is_object());
        assert!(d.value()["components"]["responses"]["Error"].is_object());
    }

    #[test]
    fn two_parts_cannot_claim_one_path_or_redefine_a_component() {
        let mut d = Document::new("t", "d");
        d.merge("a", A).expect("a");
        assert!(matches!(
            d.merge("again", A),
            Err(OpenApiError::DuplicatePath { .. })
        ));
        let other = r#"{"paths":{},"components":{"schemas":{"Shared":{"type":"string"}}}}"#;
        assert!(matches!(
            d.merge("c", other),
            Err(OpenApiError::ConflictingComponent { .. })
        ));
        assert!(matches!(
            d.merge("x", "not json"),
            Err(OpenApiError::Malformed { .. })
        ));
        assert!(matches!(
            d.merge("y", "{}"),
            Err(OpenApiError::Malformed { .. })
        ));
    }

    #[test]
    fn axum_paths_become_openapi_paths() {
        assert_eq!(openapi_path("/a/:b/c"), "/a/{b}/c");
        assert_eq!(openapi_path("/api/*rest"), "/api/{rest}");
    }
}

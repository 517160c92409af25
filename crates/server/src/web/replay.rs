//! Replay's store side: history rows as the `cop` crate reads them.

/// A history row, for [`cop::replay::objects`].
pub(crate) struct Row<'a>(pub(crate) &'a store::Record);

impl cop::replay::StoredEvent for Row<'_> {
    fn xml(&self) -> &str {
        &self.0.xml
    }
    fn groups(&self) -> &[String] {
        &self.0.groups
    }
    fn sender_uid(&self) -> Option<&str> {
        self.0.sender_uid.as_deref()
    }
    fn client_sa(&self) -> bool {
        self.0.client_sa
    }
}

/// The stored rows as objects `viewer` may see.
pub(crate) fn objects(
    rows: &[store::Record],
    viewer: &cop::hub::Viewer,
) -> Vec<cop::view::ObjectView> {
    let rows: Vec<Row<'_>> = rows.iter().map(Row).collect();
    cop::replay::objects(&rows, viewer)
}

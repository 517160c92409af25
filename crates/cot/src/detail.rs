//! The `<detail>` of an event, kept whole as a small XML tree so that
//! anything watchfloor does not understand passes through unchanged.

/// One XML node inside `<detail>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An element with attributes and children.
    Element(Element),
    /// Character data, already unescaped.
    Text(String),
    /// A CDATA section's content.
    CData(String),
}

/// One XML element: name, attributes in document order, children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// Qualified name as written (`__group`, `marti`, `_flow-tags_`).
    pub name: String,
    /// Attributes in document order, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child nodes in document order.
    pub children: Vec<Node>,
}

impl Element {
    /// An element with no attributes or children.
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// An element with the given attributes.
    pub fn with_attrs<'a>(
        name: impl Into<String>,
        attrs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        Element {
            name: name.into(),
            attrs: attrs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            children: Vec::new(),
        }
    }

    /// The value of attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets attribute `name`, replacing an existing value in place.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.attrs.iter_mut().find(|(k, _)| k == name) {
            Some((_, v)) => *v = value,
            None => self.attrs.push((name.to_string(), value)),
        }
    }

    /// Child elements, skipping text.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The concatenated text and CDATA directly inside this element.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) | Node::CData(t) => out.push_str(t),
                Node::Element(_) => {}
            }
        }
        out
    }
}

/// The children of `<detail>`; an empty detail has none.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detail {
    /// Child nodes of `<detail>` in document order.
    pub children: Vec<Node>,
}

impl Detail {
    /// Child elements of `<detail>`, skipping text.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The first element called `name` directly under `<detail>`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// A mutable reference to the first element called `name`.
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.children.iter_mut().find_map(|n| match n {
            Node::Element(e) if e.name == name => Some(e),
            _ => None,
        })
    }

    /// Appends an element at the end of the detail.
    pub fn push_element(&mut self, e: Element) {
        self.children.push(Node::Element(e));
    }

    /// Removes every element called `name`; returns how many were removed.
    pub fn remove(&mut self, name: &str) -> usize {
        let before = self.children.len();
        self.children
            .retain(|n| !matches!(n, Node::Element(e) if e.name == name));
        before - self.children.len()
    }

    /// Whether the detail has no element children (whitespace text aside).
    pub fn is_empty(&self) -> bool {
        self.children
            .iter()
            .all(|n| matches!(n, Node::Text(t) if t.trim().is_empty()))
    }
}

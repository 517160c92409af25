//! The drawing vocabulary both outputs share: charts are laid out once as
//! shapes, then written as PDF operations or as SVG elements.
//!
//! Coordinates are points with the origin top left and y growing down, as
//! in SVG and krilla; text is placed by its baseline.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub(crate) u8, pub(crate) u8, pub(crate) u8);

impl Rgb {
    pub(crate) const BLACK: Rgb = Rgb(0x1a, 0x1a, 0x1a);
    pub(crate) const GREY: Rgb = Rgb(0x55, 0x55, 0x55);
    pub(crate) const LIGHT: Rgb = Rgb(0xd0, 0xd0, 0xd0);
    pub(crate) const MARKING: Rgb = Rgb(0x9b, 0x11, 0x1e);

    /// `#rrggbb`, for SVG and CSS.
    pub(crate) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The series colours: the Okabe–Ito palette without its yellow, which
/// vanishes on white paper; it stays distinguishable for colour-blind readers.
pub(crate) const PALETTE: [Rgb; 7] = [
    Rgb(0x00, 0x72, 0xb2),
    Rgb(0xe6, 0x9f, 0x00),
    Rgb(0x00, 0x9e, 0x73),
    Rgb(0xd5, 0x5e, 0x00),
    Rgb(0xcc, 0x79, 0xa7),
    Rgb(0x56, 0xb4, 0xe9),
    Rgb(0x33, 0x33, 0x33),
];

/// The colour of series `i`.
pub(crate) fn series_color(i: usize) -> Rgb {
    PALETTE[i % PALETTE.len()]
}

/// Where a text's x coordinate sits on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// A line of text, already wrapped or cut to fit.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) text: String,
    pub(crate) size: f32,
    pub(crate) bold: bool,
    pub(crate) color: Rgb,
    pub(crate) anchor: Anchor,
    /// Turned a quarter anticlockwise about (x, y), for y axis labels.
    pub(crate) vertical: bool,
}

/// One drawing operation.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
        color: Rgb,
        width: f32,
    },
    Polyline {
        points: Vec<(f32, f32)>,
        color: Rgb,
        width: f32,
    },
    /// A filled polygon, translucent so what is under it shows.
    Area {
        points: Vec<(f32, f32)>,
        color: Rgb,
        opacity: f32,
    },
    Text(Text),
}

impl Shape {
    /// A text shape in the regular weight.
    pub(crate) fn text(x: f32, y: f32, text: impl Into<String>, size: f32, anchor: Anchor) -> Self {
        Shape::Text(Text {
            x,
            y,
            text: text.into(),
            size,
            bold: false,
            color: Rgb::BLACK,
            anchor,
            vertical: false,
        })
    }

    /// The same shape moved by (dx, dy).
    pub(crate) fn translated(mut self, dx: f32, dy: f32) -> Self {
        let mv = |p: &mut (f32, f32)| {
            p.0 += dx;
            p.1 += dy;
        };
        match &mut self {
            Shape::Rect { x, y, .. } => {
                *x += dx;
                *y += dy;
            }
            Shape::Line { from, to, .. } => {
                mv(from);
                mv(to);
            }
            Shape::Polyline { points, .. } | Shape::Area { points, .. } => {
                points.iter_mut().for_each(mv);
            }
            Shape::Text(t) => {
                t.x += dx;
                t.y += dy;
            }
        }
        self
    }
}

/// A text shape with builder-style tweaks, to keep layout code short.
pub(crate) trait TextStyle {
    fn bold(self) -> Self;
    fn color(self, color: Rgb) -> Self;
    fn vertical(self) -> Self;
}

impl TextStyle for Shape {
    fn bold(mut self) -> Self {
        if let Shape::Text(t) = &mut self {
            t.bold = true;
        }
        self
    }

    fn color(mut self, color: Rgb) -> Self {
        if let Shape::Text(t) = &mut self {
            t.color = color;
        }
        self
    }

    fn vertical(mut self) -> Self {
        if let Shape::Text(t) = &mut self {
            t.vertical = true;
        }
        self
    }
}

//! Reading order: boxes of text become lines as a person reads them, top to
//! bottom, and left to right within a line.
//!
//! Boxes side by side on one visual line (a key and its value in a
//! screenshot, the cells of a table row) are joined into one line of text,
//! so rules that look for `key = value` see both. A wide gap becomes two
//! spaces, so numbers in neighbouring table cells or chart ticks never read
//! as one number.

use super::detect::TextBox;
use super::recognize::Reading;

/// Two boxes are on one line when they overlap vertically by this share of
/// the shorter one's height.
const SAME_LINE_OVERLAP: f32 = 0.5;

/// One line of text, with the boxes it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// The lowest confidence of the line's boxes.
    pub confidence: f32,
}

struct Row {
    vertical: bool,
    top: f32,
    bottom: f32,
    items: Vec<(f32, f32, Reading)>,
}

/// Orders the readings of boxes into lines.
pub fn lines(mut readings: Vec<(TextBox, Reading)>) -> Vec<Line> {
    readings.sort_by(|a, b| a.0.center[1].total_cmp(&b.0.center[1]));

    let mut rows: Vec<Row> = Vec::new();
    for (text_box, reading) in readings {
        let (top, bottom) = text_box.vertical_span();
        let (left, right) = text_box.horizontal_span();
        // Vertical text (a y-axis label) is a line of its own.
        let vertical = reading.turned;
        let joins = rows.last_mut().filter(|row| {
            let overlap = bottom.min(row.bottom) - top.max(row.top);
            let shorter = (bottom - top).min(row.bottom - row.top);
            !vertical && !row.vertical && overlap > SAME_LINE_OVERLAP * shorter
        });
        match joins {
            Some(row) => {
                row.top = row.top.min(top);
                row.bottom = row.bottom.max(bottom);
                row.items.push((left, right, reading));
            }
            None => rows.push(Row {
                top,
                bottom,
                vertical,
                items: vec![(left, right, reading)],
            }),
        }
    }

    rows.sort_by(|a, b| a.top.total_cmp(&b.top));
    rows.into_iter()
        .map(|mut row| {
            row.items.sort_by(|a, b| a.0.total_cmp(&b.0));
            let height = row.bottom - row.top;
            let mut text = String::new();
            let mut confidence = 1.0f32;
            let mut previous_right = None;
            for (left, right, reading) in row.items {
                if let Some(previous) = previous_right {
                    text.push_str(if left - previous > height { "  " } else { " " });
                }
                text.push_str(&reading.text);
                confidence = confidence.min(reading.confidence);
                previous_right = Some(right);
            }
            Line { text, confidence }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32, width: f32, text: &str) -> (TextBox, Reading) {
        let text_box = TextBox {
            center: [x + width / 2.0, y + 10.0],
            along: [width, 0.0],
            across: [0.0, 20.0],
            score: 0.9,
        };
        let reading = Reading {
            text: text.into(),
            confidence: 0.9,
            turned: false,
        };
        (text_box, reading)
    }

    #[test]
    fn boxes_read_top_to_bottom_then_left_to_right() {
        let lines = lines(vec![
            at(200.0, 52.0, 100.0, "AKIAQYLPMN5HHHFPZAM2"),
            at(10.0, 0.0, 80.0, "first"),
            at(10.0, 50.0, 180.0, "aws_access_key_id ="),
            at(400.0, 2.0, 80.0, "far"),
        ]);
        let texts: Vec<&str> = lines.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(
            texts,
            ["first  far", "aws_access_key_id = AKIAQYLPMN5HHHFPZAM2"]
        );
    }
}

//! Terminal escape codes, removed from tracebacks and streams before scanning.

use crate::notebook::Text;

/// Removes ANSI escape sequences (CSI such as `\x1b[0;31m`, OSC such as
/// hyperlinks, and lone two-byte escapes), keeping everything else.
pub fn strip(input: &str) -> String {
    if !input.contains('\x1b') {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                // Parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                chars.next();
                // Ends at BEL or at ESC \.
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            Some(_) => {
                chars.next();
            }
            None => {}
        }
    }
    out
}

/// [`strip`] over a [`Text`], keeping its line map (escape codes never hold
/// a line break).
pub fn strip_text(text: &Text) -> Text {
    Text {
        value: strip(&text.value),
        file_lines: text.file_lines.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_colour_codes_and_hyperlinks() {
        assert_eq!(strip("\x1b[0;31mKeyError\x1b[0m: 'x'"), "KeyError: 'x'");
        assert_eq!(strip("\x1b]8;;file:///a.py\x07a.py\x1b]8;;\x07"), "a.py");
        assert_eq!(strip("plain"), "plain");
        assert_eq!(strip("cut\x1b["), "cut");
    }
}

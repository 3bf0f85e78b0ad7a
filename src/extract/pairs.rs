//! Keys and string values printed as text: a Python dict's repr
//! (`print(response.json())`, `{'name': 'Ana Silva', 'phone': ...}`) or JSON
//! printed to a stream. Gathered by key, they are classified as the columns
//! of a JSON output are, so `'name': 'Ana Silva'` is a person's name even
//! though no rule matches a name alone.

/// Quoted strings longer than this (in bytes) are not keys or values.
const MAX_STRING_BYTES: usize = 4_096;

/// Keys longer than this are not keys.
const MAX_KEY_BYTES: usize = 100;

/// A key and the string it holds, and the 0-based text line of the key.
#[derive(Debug, PartialEq)]
pub struct Pair {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// The `'key': 'value'` and `"key": "value"` pairs of a text, in order.
pub fn pairs(text: &str) -> Vec<Pair> {
    // Cheap refusal: no quote is followed by a colon.
    if !text.contains("':") && !text.contains("\":") {
        return Vec::new();
    }
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut line = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' => {
                line += 1;
                at += 1;
            }
            quote @ (b'\'' | b'"') => {
                let Some((key, after_key)) = string_at(text, at, quote) else {
                    at += 1;
                    continue;
                };
                at = after_key;
                let colon = skip_spaces(bytes, after_key);
                if bytes.get(colon) != Some(&b':') || key.len() > MAX_KEY_BYTES {
                    continue;
                }
                let start = skip_spaces(bytes, colon + 1);
                let Some(&value_quote @ (b'\'' | b'"')) = bytes.get(start) else {
                    continue;
                };
                if let Some((value, after_value)) = string_at(text, start, value_quote) {
                    found.push(Pair { key, value, line });
                    at = after_value;
                }
            }
            _ => at += 1,
        }
    }
    found
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| b == b' ' || b == b'\t') {
        at += 1;
    }
    at
}

/// The string literal opened by the quote at `open` and the byte after its
/// closing quote; `None` when it does not close on the same line. Escapes
/// are kept as written except an escaped quote.
fn string_at(text: &str, open: usize, quote: u8) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let mut at = open + 1;
    let mut escaped_quote = false;
    while at < bytes.len() && at - open <= MAX_STRING_BYTES {
        match bytes[at] {
            b'\\' => {
                escaped_quote |= bytes.get(at + 1) == Some(&quote);
                at += 2;
            }
            b'\n' => return None,
            b if b == quote => {
                let raw = &text[open + 1..at];
                let value = if escaped_quote {
                    raw.replace(
                        &format!("\\{}", quote as char),
                        &(quote as char).to_string(),
                    )
                } else {
                    raw.to_string()
                };
                return Some((value, at + 1));
            }
            _ => at += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyed(text: &str) -> Vec<(String, String, usize)> {
        pairs(text)
            .into_iter()
            .map(|p| (p.key, p.value, p.line))
            .collect()
    }

    fn pair(key: &str, value: &str, line: usize) -> (String, String, usize) {
        (key.to_string(), value.to_string(), line)
    }

    #[test]
    fn python_dict_repr() {
        let text = "{'id': 1, 'name': 'Ana Silva', 'email': 'ana@fabrik.de',\n \
                    'address': {'city': 'Porto', 'zip': '4000-322'}, 'active': True}";
        assert_eq!(
            keyed(text),
            [
                pair("name", "Ana Silva", 0),
                pair("email", "ana@fabrik.de", 0),
                pair("city", "Porto", 1),
                pair("zip", "4000-322", 1),
            ]
        );
    }

    #[test]
    fn printed_json_and_escaped_quotes() {
        let text = "{\n  \"name\": \"Seán O\\\"Neill\",\n  \"note\": \"it's fine\"\n}";
        assert_eq!(
            keyed(text),
            [
                pair("name", "Seán O\"Neill", 1),
                pair("note", "it's fine", 2)
            ]
        );
    }

    #[test]
    fn strings_that_are_not_pairs() {
        assert!(pairs("print('a', 'b')\nx = {'k': v}").is_empty());
        assert!(pairs("'a': 'not closed on its line\n'").is_empty());
        assert!(pairs("no quotes: here").is_empty());
    }
}

//! Validators: the checks a matched value must pass besides its regex
//! (checksums, ranges, placeholders, entropy). They keep false positives low.

/// What a validator may look at besides the value.
pub struct Context<'a> {
    /// The whole regex match (the value may be one group of it).
    pub whole: &'a str,
    /// The text line the value is on.
    pub line: &'a str,
}

type Check = fn(&str, &Context) -> bool;

/// Validators by the name rules use.
const VALIDATORS: &[(&str, Check)] = &[
    ("luhn", |v, _| luhn(v)),
    ("not-placeholder", |v, _| !is_placeholder(v)),
    ("email", |v, _| email(v)),
];

/// The names rules may use.
pub const NAMES: &[&str] = &["luhn", "not-placeholder", "email"];

pub fn exists(name: &str) -> bool {
    VALIDATORS.iter().any(|(n, _)| *n == name)
}

/// Runs the named validator; an unknown name never passes.
pub fn run(name: &str, value: &str, context: &Context) -> bool {
    VALIDATORS
        .iter()
        .find(|(n, _)| *n == name)
        .is_some_and(|(_, check)| check(value, context))
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(value: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in value.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

/// The Luhn checksum over the digits of `value` (separators ignored).
pub fn luhn(value: &str) -> bool {
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// An e-mail address whose domain could receive mail: documentation and test
/// domains (RFC 2606, RFC 6761) are not personal data.
pub fn email(value: &str) -> bool {
    let Some((_, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    const RESERVED: &[&str] = &["example.com", "example.org", "example.net", "localhost"];
    const RESERVED_TLDS: &[&str] = &["test", "invalid", "example", "localhost", "local"];
    let tld = domain.rsplit('.').next().unwrap_or("");
    !RESERVED
        .iter()
        .any(|r| domain == *r || domain.ends_with(&format!(".{r}")))
        && !RESERVED_TLDS.contains(&tld)
}

/// Documentation values and placeholders that are never real secrets.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "your",
        "example",
        "xxxx",
        "changeme",
        "placeholder",
        "redacted",
        "dummy",
        "<",
        "${",
        "{{",
        "getenv",
        "environ",
    ];
    WORDS.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111 1111 1111 1112"));
    }
}

//! Validators: the checks a matched value must pass besides its regex
//! (checksums, ranges, placeholders, entropy). They keep false positives low.
//!
//! A regex says what a value looks like; a validator says whether it can be
//! one: a GitHub token whose checksum fails was typed by hand, a card number
//! that fails Luhn is an ID, an address at `example.com` is documentation.
//! Each validator sees the value and the text around it on its line, so it
//! can also refuse a value that is one element of a longer run of numbers.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What a validator may look at besides the value.
pub struct Context<'a> {
    /// The whole regex match (the value may be one group of it).
    pub whole: &'a str,
    /// The text line the value is on.
    pub line: &'a str,
    /// The part of that line before the value.
    pub before: &'a str,
    /// The part of that line after the value.
    pub after: &'a str,
}

type Check = fn(&str, &Context) -> bool;

/// Validators by the name rules use.
const VALIDATORS: &[(&str, Check)] = &[
    ("luhn", |v, _| luhn(v)),
    ("not-placeholder", |v, _| !is_placeholder(v)),
    ("email", email),
    ("github-checksum", |v, _| github_checksum(v)),
    ("jwt", |v, _| jwt(v)),
    ("ssn", |v, _| us_ssn(v)),
    ("payment-card", payment_card),
    ("iban", |v, _| iban(v)),
    ("bic", |v, _| bic(v)),
    ("aba-routing", |v, c| aba_routing(v) && standalone_number(c)),
    ("npi", |v, c| npi(v) && standalone_number(c)),
    ("uk-nino", |v, _| uk_nino(v)),
    ("uk-nhs", |v, c| uk_nhs(v) && standalone_number(c)),
    ("public-ipv4", public_ipv4),
    ("phone", phone),
    ("past-date", |v, _| past_date(v)),
    ("standalone-number", |_, c| standalone_number(c)),
    ("not-code", |v, _| !looks_like_code(v)),
    ("mixed-chars", |v, _| mixed_chars(v)),
    ("base64-json", |v, _| base64_json(v)),
    ("not-word", |v, _| !v.chars().all(char::is_alphabetic)),
    ("person-name", |v, _| person_name(v)),
];

/// The names rules may use.
pub const NAMES: &[&str] = &[
    "luhn",
    "not-placeholder",
    "email",
    "github-checksum",
    "jwt",
    "ssn",
    "payment-card",
    "iban",
    "bic",
    "aba-routing",
    "npi",
    "uk-nino",
    "uk-nhs",
    "public-ipv4",
    "phone",
    "past-date",
    "standalone-number",
    "not-code",
    "mixed-chars",
    "base64-json",
    "not-word",
    "person-name",
];

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

/// A full name whose first word is a known given name: `Ana Silva`, not
/// `Services Team` or `Tracking System`.
fn person_name(value: &str) -> bool {
    super::columns::looks_like_full_name(value)
        && value
            .split_whitespace()
            .next()
            .is_some_and(super::columns::is_given_name)
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

fn digits_of(value: &str) -> Vec<u32> {
    value.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The Luhn checksum over the digits of `value` (separators ignored).
pub fn luhn(value: &str) -> bool {
    luhn_digits(&digits_of(value))
}

fn luhn_digits(digits: &[u32]) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| match (i % 2, d * 2) {
            (1, doubled) if doubled > 9 => doubled - 9,
            (1, doubled) => doubled,
            _ => d,
        })
        .sum();
    sum % 10 == 0
}

/// The top-level domains an e-mail domain may end in (the ICANN section of
/// the Public Suffix List).
fn tlds() -> &'static BTreeSet<&'static str> {
    static TLDS: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    TLDS.get_or_init(|| word_list(include_str!("rules/tlds.txt")).collect())
}

/// The words of a list file shipped in the binary: whitespace-separated,
/// lines starting with `#` are comments.
pub(crate) fn word_list(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(str::split_whitespace)
}

/// An e-mail address whose domain could receive mail: its TLD exists, and it
/// is not a documentation or test domain (RFC 2606, RFC 6761). `git@host:`
/// (an SSH remote) is not an address.
pub fn email(value: &str, context: &Context) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    let tld = domain.rsplit('.').next().unwrap_or("");
    if !tlds().contains(tld) {
        return false;
    }
    const RESERVED: &[&str] = &["example.com", "example.org", "example.net", "localhost"];
    if RESERVED
        .iter()
        .any(|r| domain == *r || domain.ends_with(&format!(".{r}")))
    {
        return false;
    }
    if local.eq_ignore_ascii_case("git") && context.after.starts_with(':') {
        return false;
    }
    // Addresses of machines and of nobody: service accounts, no-reply
    // senders, and local parts that stand for "an address goes here".
    const MACHINE_DOMAINS: &[&str] = &["gserviceaccount.com", "users.noreply.github.com"];
    if MACHINE_DOMAINS
        .iter()
        .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
    {
        return false;
    }
    const NOBODY: &[&str] = &[
        "example",
        "examples",
        "user",
        "username",
        "someone",
        "somebody",
        "name",
        "email",
        "e-mail",
        "mail",
        "foo",
        "bar",
        "test",
        "noreply",
        "no-reply",
        "donotreply",
        "me",
        "you",
        "your.name",
        "your_email",
        "youremail",
        "firstname.lastname",
        "first.last",
    ];
    let local_lower = local.to_ascii_lowercase();
    if NOBODY.contains(&local_lower.as_str()) || local_lower.starts_with("your") {
        return false;
    }
    // `user@host/path` and `name@2x.png`-like file names are not addresses.
    !context.after.starts_with('/')
}

/// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) whose last six
/// characters are the CRC-32 (IEEE) of the 30 random characters before them,
/// in base 62 (`0-9A-Za-z`), left-padded with `0`. Checked against a revoked
/// token published in test fixtures; a hand-typed token fails with odds of
/// about 1 in 5.7e10.
pub fn github_checksum(value: &str) -> bool {
    let Some((_, rest)) = value.split_once('_') else {
        return false;
    };
    if rest.len() != 36 || !rest.is_ascii() {
        return false;
    }
    let (random, checksum) = rest.split_at(30);
    base62_padded(crc32(random.as_bytes()), 6) == checksum
}

fn base62_padded(mut n: u32, width: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    while n > 0 {
        out.push(ALPHABET[(n % 62) as usize]);
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// CRC-32 with the IEEE polynomial (reflected 0xEDB88320), as zlib computes it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let trimmed = text.trim_end_matches('=');
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(trimmed)
        .ok()
}

/// A JSON Web Token: its header decodes to a JSON object with `alg`.
pub fn jwt(value: &str) -> bool {
    let Some(header) = value.split('.').next() else {
        return false;
    };
    let Some(bytes) = base64url_decode(header) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|json| json.as_object().map(|o| o.contains_key("alg")))
        .unwrap_or(false)
}

/// Base64 (standard or URL-safe) of a JSON object: credentials files passed
/// as one string (`credentials_base64=`, Neptune API tokens).
pub fn base64_json(value: &str) -> bool {
    use base64::Engine;
    let trimmed = value.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .ok()
        .or_else(|| base64url_decode(trimmed));
    bytes.is_some_and(|b| b.first() == Some(&b'{') || b.starts_with(b"\n{"))
}

/// A US Social Security number in its issued ranges: area 001-899 but not
/// 666, group 01-99, serial 0001-9999; and not the numbers known from
/// advertising and documentation.
pub fn us_ssn(value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 {
        return false;
    }
    let area: u32 = digits[0..3].parse().unwrap_or(0);
    let group: u32 = digits[3..5].parse().unwrap_or(0);
    let serial: u32 = digits[5..9].parse().unwrap_or(0);
    const KNOWN_FAKE: &[&str] = &["078051120", "219099999", "123456789", "111111111"];
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial != 0
        && !KNOWN_FAKE.contains(&digits.as_str())
}

/// The issuer networks by prefix range and the lengths they issue.
const CARD_ISSUERS: &[(u32, u32, usize, &[usize])] = &[
    // (first prefix, last prefix, prefix digits, lengths)
    (4, 4, 1, &[13, 16, 19]),           // Visa
    (51, 55, 2, &[16]),                 // Mastercard
    (2221, 2720, 4, &[16]),             // Mastercard 2-series
    (34, 34, 2, &[15]),                 // American Express
    (37, 37, 2, &[15]),                 // American Express
    (6011, 6011, 4, &[16, 19]),         // Discover
    (644, 649, 3, &[16, 19]),           // Discover
    (65, 65, 2, &[16, 19]),             // Discover
    (3528, 3589, 4, &[16, 17, 18, 19]), // JCB
    (300, 305, 3, &[14, 16, 19]),       // Diners Club
    (36, 36, 2, &[14, 16, 19]),         // Diners Club
    (38, 39, 2, &[16, 19]),             // Diners Club
    (62, 62, 2, &[16, 17, 18, 19]),     // UnionPay
];

/// A payment card number: an issuer's range and length, Luhn, not one
/// repeated digit, and standing alone (not a piece of a longer number, a
/// float, or one element of a dump of numbers).
pub fn payment_card(value: &str, context: &Context) -> bool {
    let digits = digits_of(value);
    let text: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    let issued = CARD_ISSUERS.iter().any(|(low, high, width, lengths)| {
        let prefix: u32 = text.get(..*width).and_then(|p| p.parse().ok()).unwrap_or(0);
        (*low..=*high).contains(&prefix) && lengths.contains(&digits.len())
    });
    issued && luhn_digits(&digits) && !is_repetitive(&text) && standalone_number(context)
}

/// The value is not part of a longer number (digits, a decimal point or a
/// minus sign touch it) nor one element of a run of numbers (an array or a
/// row of numbers printed around it).
pub fn standalone_number(context: &Context) -> bool {
    let before = context.before.trim_end_matches(' ');
    let after = context.after.trim_start_matches(' ');
    let touches = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.' || c == '-');
    if touches(context.before.chars().next_back()) || touches(context.after.chars().next()) {
        // A sentence may end right after the number.
        let sentence_end = context.after.starts_with('.')
            && !context.after[1..].starts_with(|c: char| c.is_ascii_digit());
        if !sentence_end || touches(context.before.chars().next_back()) {
            return false;
        }
    }
    let number_before = before
        .trim_end_matches([',', ';', '[', '(', ' ', '\t'])
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit());
    let number_after = after
        .trim_start_matches([',', ';', ']', ')', ' ', '\t'])
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit());
    let listed = |s: &str| s.contains(',') || s.contains(' ') || s.contains('\t');
    let tail: String = before.chars().rev().take(3).collect();
    let head: String = after.chars().take(3).collect();
    !(number_before && listed(&tail) || number_after && listed(&head))
}

/// All one character, or a short unit repeated, or a run of consecutive
/// characters: typed as a filler, not issued.
fn is_repetitive(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 4 {
        return false;
    }
    let distinct: BTreeSet<char> = chars.iter().copied().collect();
    if distinct.len() <= 2 {
        return true;
    }
    for unit in 2..=4 {
        if chars.len() >= unit * 3 && chars.iter().enumerate().all(|(i, c)| *c == chars[i % unit]) {
            return true;
        }
    }
    false
}

/// IBAN lengths by country (SWIFT IBAN registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// An IBAN: the length its country uses and the ISO 7064 mod-97 check.
/// IBANs printed as examples in standards, bank guides and encyclopedias:
/// they reach notebooks from documentation, never from a customer.
const DOCUMENTATION_IBANS: &[&str] = &[
    "DE89370400440532013000",
    "DE44500105175407324931",
    "GB82WEST12345698765432",
    "GB29NWBK60161331926819",
    "FR1420041010050500013M02606",
    "FR7630006000011234567890189",
    "NL91ABNA0417164300",
    "CH9300762011623852957",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "BE68539007547034",
    "AT611904300234573201",
];

pub fn iban(value: &str) -> bool {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if DOCUMENTATION_IBANS.contains(&compact.as_str()) {
        return false;
    }
    let Some(country) = compact.get(..2) else {
        return false;
    };
    let Some((_, length)) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country) else {
        return false;
    };
    if compact.len() != *length || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rotated = format!("{}{}", &compact[4..], &compact[..4]);
    let mut remainder = 0u32;
    for c in rotated.chars() {
        let n = match c.to_digit(36) {
            Some(n) => n,
            None => return false,
        };
        remainder = if n >= 10 {
            (remainder * 100 + n) % 97
        } else {
            (remainder * 10 + n) % 97
        };
    }
    remainder == 1 && !is_repetitive(&compact[4..])
}

/// ISO 3166 alpha-2 country codes, for BIC and passport checks.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI \
    BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY \
    CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN \
    GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH \
    KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO \
    MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL \
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV \
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN \
    VU WF WS XK YE YT ZA ZM ZW";

/// A SWIFT/BIC code: bank (4 letters), a real country, location, optional
/// branch; location `0` in its second character is a test BIC.
pub fn bic(value: &str) -> bool {
    let value = value.to_ascii_uppercase();
    if !(value.len() == 8 || value.len() == 11) || !value.is_ascii() {
        return false;
    }
    let country = &value[4..6];
    value[..4].chars().all(|c| c.is_ascii_alphabetic())
        && COUNTRIES.split_whitespace().any(|c| c == country)
        && !value[6..8].ends_with('0')
        && value[6..].chars().all(|c| c.is_ascii_alphanumeric())
}

/// A US ABA routing number: a Federal Reserve prefix and the 3-7-1 checksum.
pub fn aba_routing(value: &str) -> bool {
    let d = digits_of(value);
    if d.len() != 9 {
        return false;
    }
    let prefix = d[0] * 10 + d[1];
    let prefix_ok = matches!(prefix, 1..=12 | 21..=32 | 61..=72 | 80);
    let sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
    prefix_ok && sum % 10 == 0 && !is_repetitive(&value.replace(['-', ' '], ""))
}

/// A US National Provider Identifier: ten digits starting with 1 or 2 whose
/// Luhn check holds with the card-issuer prefix 80840 in front.
pub fn npi(value: &str) -> bool {
    let d = digits_of(value);
    if d.len() != 10 || !(d[0] == 1 || d[0] == 2) {
        return false;
    }
    let mut full = vec![8, 0, 8, 4, 0];
    full.extend(&d);
    luhn_digits(&full)
}

/// A UK National Insurance number: prefix letters HMRC allocates, six
/// digits, suffix A-D.
pub fn uk_nino(value: &str) -> bool {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let chars: Vec<char> = compact.chars().collect();
    if chars.len() != 9 {
        return false;
    }
    let (first, second) = (chars[0], chars[1]);
    let prefix: String = chars[..2].iter().collect();
    !"DFIQUV".contains(first)
        && !"DFIOQUV".contains(second)
        && !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&prefix.as_str())
        && chars[2..8].iter().all(char::is_ascii_digit)
        && "ABCD".contains(chars[8])
        && !is_repetitive(&chars[2..8].iter().collect::<String>())
}

/// An NHS number: ten digits whose mod-11 check digit holds.
pub fn uk_nhs(value: &str) -> bool {
    let d = digits_of(value);
    if d.len() != 10 {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, x)| x * (10 - i as u32))
        .sum();
    let check = 11 - sum % 11;
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == d[9] && !is_repetitive(&value.replace([' ', '-'], ""))
}

/// A public IPv4 address. Private (RFC 1918), loopback, link-local, CGNAT,
/// documentation (RFC 5737), multicast and reserved ranges say nothing about
/// a person or a host outside the author's network, and fill logs of local
/// servers (`127.0.0.1:8888`); they are not reported. Four-part version
/// numbers (`version 1.2.3.4`) are not addresses either.
pub fn public_ipv4(value: &str, context: &Context) -> bool {
    let octets: Vec<u32> = value.split('.').filter_map(|o| o.parse().ok()).collect();
    if octets.len() != 4 || octets.iter().any(|&o| o > 255) {
        return false;
    }
    if value.split('.').any(|o| o.len() > 1 && o.starts_with('0')) {
        return false;
    }
    let (a, b, c) = (octets[0], octets[1], octets[2]);
    let reserved = a == 0
        || a == 10
        || a == 127
        || a >= 224
        || (a == 100 && (64..128).contains(&b))
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || octets == [1, 2, 3, 4]
        || octets == [8, 8, 8, 8]
        || octets == [8, 8, 4, 4]
        || octets == [1, 1, 1, 1];
    let before = context.before.to_ascii_lowercase();
    // A server a download tool resolved (`wget`: "Resolving host... 1.2.3.4")
    // is public infrastructure, not someone's address.
    let line = context.line;
    if line.contains("Resolving ") || line.contains("Connecting to ") {
        return false;
    }
    let versioned = before.trim_end().ends_with('v')
        || before.contains("version")
        || context.after.starts_with('.')
        || context.before.ends_with('.');
    !reserved && !versioned
}

/// A phone number: 8 to 15 digits (E.164), not one digit repeated nor a
/// counting run, and for a 10-digit North American number a real area code
/// and exchange outside the fictional 555-01xx block.
pub fn phone(value: &str, context: &Context) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    if !(8..=15).contains(&digits.len()) || is_repetitive(&digits) || is_counting(&digits) {
        return false;
    }
    // Written internationally, a number has its country code: ten digits at
    // least, and eleven for North America (+1).
    if value.starts_with('+')
        && (digits.len() < 10 || digits.starts_with('1') && digits.len() != 11)
    {
        return false;
    }
    let nanp = if digits.len() == 11 && digits.starts_with('1') {
        Some(&digits[1..])
    } else if digits.len() == 10 && !value.starts_with('+') {
        Some(digits.as_str())
    } else {
        None
    };
    if let Some(n) = nanp {
        let b = n.as_bytes();
        // A leading 0 is a trunk prefix: a national number outside North America.
        let fictional = &n[3..6] == "555" && &n[6..8] == "01";
        if !digits.starts_with('0') && (b[0] < b'2' || b[3] < b'2' || fictional) {
            return false;
        }
    }
    standalone_number(context)
}

fn is_counting(digits: &str) -> bool {
    let b = digits.as_bytes();
    let mut run = 1;
    let mut longest = 1;
    for pair in b.windows(2) {
        if pair[1] == pair[0] + 1 || (pair[0] == b'9' && pair[1] == b'0') {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 1;
        }
    }
    longest >= 6
}

/// A date in the past 130 years, in ISO (`1985-04-12`), US (`04/12/1985`) or
/// European (`12.04.1985`) order.
pub fn past_date(value: &str) -> bool {
    let parts: Vec<u32> = value
        .split(['-', '/', '.', ' '])
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    if parts.len() != 3 {
        return false;
    }
    let (year, a, b) = if parts[0] > 31 {
        (parts[0], parts[1], parts[2])
    } else {
        (parts[2], parts[0], parts[1])
    };
    let day_month = (1..=12).contains(&a) && (1..=31).contains(&b)
        || (1..=31).contains(&a) && (1..=12).contains(&b);
    (1895..=2026).contains(&year) && day_month
}

/// Source code rather than a literal: a call, an attribute path, an
/// f-string field, or an identifier that names a variable.
pub fn looks_like_code(value: &str) -> bool {
    // A keyword argument or a tuple element ends in punctuation: `key=KEY,`.
    let value = value.trim_end_matches([',', ';', ')']);
    if value.contains('(') || value.contains('{') || value.contains('[') {
        return true;
    }
    // snake_case or dotted identifiers without digits: `api_key`, `cfg.token`.
    let identifier = value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
        && (value.contains('_') || value.contains('.'));
    let upper_identifier =
        value.chars().all(|c| c.is_ascii_uppercase() || c == '_') && value.contains('_');
    identifier || upper_identifier
}

/// A free-form secret mixes kinds of characters: at least two of lower
/// case, upper case, digits and symbols, and is not a path or a URL.
pub fn mixed_chars(value: &str) -> bool {
    let classes = [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    let path = value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("~/")
        || value.contains("://")
        || value.contains('\\');
    let file = [
        ".csv", ".json", ".txt", ".pkl", ".pem", ".yaml", ".yml", ".h5", ".pt",
    ]
    .iter()
    .any(|ext| value.to_ascii_lowercase().ends_with(ext));
    classes.iter().filter(|x| **x).count() >= 2 && !path && !file && !value.contains(' ')
}

/// Keys published in vendors' documentation and local emulators: the same
/// for everyone, so they unlock nothing.
const KNOWN_PUBLIC: &[&str] = &[
    // Azure Cosmos DB emulator.
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
    // Azurite (Azure Storage emulator), account devstoreaccount1.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // Stripe's documentation test key.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
];

/// Documentation values and placeholders that are never real secrets.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "your",
        "example",
        "xxxx",
        "****",
        "....",
        "changeme",
        "change_me",
        "change-me",
        "placeholder",
        "redacted",
        "dummy",
        "replace",
        "insert",
        "_here",
        "-here",
        "sample",
        "fake",
        "<",
        "${",
        "{{",
        "%(",
        "$(",
        "getenv",
        "environ",
        "getpass",
        "secrets.get",
        "userdata.get",
    ];
    const VALUES: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "admin",
        "root",
        "guest",
        "default",
        "none",
        "null",
        "true",
        "false",
        "test",
        "testing",
        "letmein",
        "qwerty",
        "pass",
        "apikey",
        "api_key",
        "mypassword",
        "mysecret",
        "secretkey",
        "secret_key",
        "foobar",
        "foo",
        "bar",
        "hunter2",
        "string",
        "str",
        "value",
        "required",
        "optional",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) || VALUES.contains(&lower.as_str()) {
        return true;
    }
    if value.starts_with('$') || value.starts_with('%') || KNOWN_PUBLIC.contains(&value) {
        return true;
    }
    if value.starts_with('{') && value.ends_with('}') {
        return true;
    }
    is_repetitive(value) || longest_run(value) >= 8 || has_filler_run(value)
}

/// The longest run of characters that count up or down by one
/// (`12345678`, `abcdefgh`, `98765432`). Eight, not fewer: an id such as
/// `PRJ-123456` is written by people too.
fn longest_run(value: &str) -> usize {
    let bytes = value.as_bytes();
    let mut longest = 1;
    for step in [1i16, -1] {
        let mut run = 1;
        for pair in bytes.windows(2) {
            if i16::from(pair[1]) - i16::from(pair[0]) == step && pair[0].is_ascii_alphanumeric() {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 1;
            }
        }
    }
    longest
}

/// Six or more of one character in a row (`sk_live_000000`, `AAAAAAAA`).
fn has_filler_run(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut run = 1;
    for pair in bytes.windows(2) {
        if pair[0] == pair[1] {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alone(value: &str) -> bool {
        let context = Context {
            whole: value,
            line: value,
            before: "",
            after: "",
        };
        payment_card(value, &context)
    }

    #[test]
    fn luhn_accepts_test_cards() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111 1111 1111 1112"));
    }

    #[test]
    fn crc32_matches_zlib() {
        // zlib.crc32(b"123456789") == 0xCBF43926, the standard check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn github_checksum_holds_for_a_published_revoked_token() {
        // A revoked token published in a secret scanner's test fixtures.
        assert!(github_checksum("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"));
        assert!(!github_checksum("ghp_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUy"));
    }

    #[test]
    fn cards_need_an_issuer_and_to_stand_alone() {
        assert!(alone("4539148803436467"));
        // The famous test number is one digit repeated: a filler.
        assert!(!alone("4111111111111111"));
        assert!(alone("378282246310005"));
        assert!(!alone("1234567812345670"));
        let in_array = Context {
            whole: "",
            line: "",
            before: "[4024007103939509, ",
            after: ", 1]",
        };
        assert!(!payment_card("4111111111111111", &in_array));
        let in_float = Context {
            whole: "",
            line: "",
            before: "0.",
            after: "",
        };
        assert!(!payment_card("4111111111111111", &in_float));
    }

    #[test]
    fn ibans_check_length_and_mod_97() {
        assert!(iban("GB35 NWBK 0967 9290 8100 33"));
        assert!(iban("DE56787789328792174218"));
        assert!(!iban("DE56787789328792174219"));
        assert!(!iban("DE89370400440532013000"), "a documentation example");
        assert!(!iban("GB82WEST123456987654"));
    }

    #[test]
    fn ssn_ranges() {
        assert!(us_ssn("536-22-4817"));
        assert!(!us_ssn("666-22-4817"));
        assert!(!us_ssn("912-22-4817"));
        assert!(!us_ssn("536-00-4817"));
        assert!(!us_ssn("078-05-1120"));
    }

    #[test]
    fn validators_take_any_text_without_panicking() {
        // Custom rules may hand any value to any validator.
        let context = Context {
            whole: "",
            line: "",
            before: "",
            after: "",
        };
        for value in [
            "ÉA123456C",
            "é",
            "",
            "€€€€€€€€€",
            "ghp_é",
            "1.2.3.é",
            "DE€4",
        ] {
            for name in NAMES {
                run(name, value, &context);
            }
        }
    }

    #[test]
    fn npi_uses_the_80840_prefix() {
        assert!(npi("1234567893"));
        assert!(!npi("1234567890"));
    }

    #[test]
    fn aba_checksum() {
        assert!(aba_routing("011000015"));
        assert!(!aba_routing("011000016"));
    }

    #[test]
    fn placeholders() {
        for value in [
            "YOUR_API_KEY",
            "xxxxxxxx",
            "<token>",
            "${TOKEN}",
            "{{ token }}",
            "changeme",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaaaaaaaaaa",
            "1234567890abcdef",
            "sk_live_000000000000",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        assert!(!is_placeholder("Tr0ub4dor3x"));
    }

    #[test]
    fn email_domains() {
        let context = Context {
            whole: "",
            line: "",
            before: "",
            after: "",
        };
        assert!(email("jane@acme-corp.com", &context));
        assert!(!email("jane@example.com", &context));
        assert!(!email("pass@db.internal", &context));
        assert!(!email("jane@host.test", &context));
    }
}

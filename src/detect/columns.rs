//! Table columns classified from their header and values: a column of names,
//! addresses or diagnoses is personal data even where no validator exists.
//!
//! The header says what a column claims to hold; the values must agree
//! before a column is reported, because headers are reused for anything: a
//! `name` column of products or models, an `address` column of urban/rural
//! codes, a `diagnosis` column of benchmark labels (`M`/`B`). A column is
//! reported when most of its values (placeholders such as `NaN` aside) look
//! like what the header says.
//!
//! Two decisions, each pinned by a test:
//! - A column of given names alone or surnames alone identifies nobody (the
//!   US baby-names and fictitious-names exercises); full names do, and a name
//!   column is reported only when its values are full names.
//! - The Titanic passenger list (`Braund, Mr. Owen Harris`: surname, comma,
//!   the honorifics of its 1912 records, given names) is not reported. It is a
//!   published historical record of people who died long ago, which privacy
//!   law (GDPR recital 27, for one) leaves out, and it is the most common
//!   teaching table in notebooks. A modern list written in exactly that form
//!   would be missed: a known gap.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::validate;
use super::Sensitivity;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnClass {
    pub rule_id: &'static str,
    /// "names", "addresses": used in "column `x`: 12 names".
    pub plural: &'static str,
    pub sensitivity: Sensitivity,
}

const PERSON_NAME: ColumnClass = ColumnClass {
    rule_id: "pii.column-person-name",
    plural: "names",
    sensitivity: Sensitivity::Contact,
};
const ADDRESS: ColumnClass = ColumnClass {
    rule_id: "pii.column-address",
    plural: "addresses",
    sensitivity: Sensitivity::Contact,
};
const PHONE: ColumnClass = ColumnClass {
    rule_id: "pii.column-phone",
    plural: "phone numbers",
    sensitivity: Sensitivity::Contact,
};
const DATE_OF_BIRTH: ColumnClass = ColumnClass {
    rule_id: "pii.column-date-of-birth",
    plural: "dates of birth",
    sensitivity: Sensitivity::High,
};
const HEALTH: ColumnClass = ColumnClass {
    rule_id: "pii.column-health",
    plural: "health records",
    sensitivity: Sensitivity::High,
};
const MEDICAL_RECORD: ColumnClass = ColumnClass {
    rule_id: "pii.column-medical-record-number",
    plural: "medical record numbers",
    sensitivity: Sensitivity::High,
};
const SSN: ColumnClass = ColumnClass {
    rule_id: "pii.column-ssn",
    plural: "social security numbers",
    sensitivity: Sensitivity::High,
};

/// The share of values that must look right for a column to be reported.
const MAJORITY: f64 = 0.6;

/// The class of a column, from its header and its non-empty values.
pub fn classify(header: &str, values: &[&str]) -> Option<ColumnClass> {
    let words = header_words(header);
    let class = class_of_header(&words)?;
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !is_missing(v))
        .collect();
    if values.is_empty() {
        return None;
    }
    let fits = |check: &dyn Fn(&str) -> bool| {
        let good = values.iter().filter(|v| check(v)).count();
        good > 0 && good as f64 >= MAJORITY * values.len() as f64
    };
    let agrees = match class.rule_id {
        "pii.column-person-name" => {
            fits(&looks_like_full_name) && !is_titanic_list(&values) && has_given_names(&values)
        }
        "pii.column-address" => fits(&looks_like_street_address),
        "pii.column-phone" => fits(&looks_like_phone),
        "pii.column-date-of-birth" => fits(&validate::past_date),
        "pii.column-health" => fits(&looks_like_health_entry),
        "pii.column-medical-record-number" => fits(&looks_like_record_number),
        "pii.column-ssn" => fits(&looks_like_ssn),
        _ => false,
    };
    agrees.then_some(class)
}

/// Whether a header names something about a person that turns a list of
/// names into records: `age`, `salary`, `email`, `diagnosis`... A column of
/// names alone is a list (it warns); beside such a column it is a table of
/// people (it blocks).
pub fn describes_a_person(header: &str) -> bool {
    const ATTRIBUTES: &[&str] = &[
        "age",
        "salary",
        "income",
        "wage",
        "wages",
        "pay",
        "bonus",
        "gender",
        "sex",
        "dob",
        "birth",
        "birthday",
        "birthdate",
        "email",
        "mail",
        "phone",
        "mobile",
        "address",
        "street",
        "zip",
        "postcode",
        "ssn",
        "nino",
        "passport",
        "diagnosis",
        "condition",
        "disease",
        "medication",
        "mrn",
        "patient",
        "religion",
        "ethnicity",
        "race",
        "hire",
        "hired",
        "salary_usd",
        "credit",
        "card",
        "iban",
        "account",
        "score",
    ];
    header_words(header)
        .iter()
        .any(|word| ATTRIBUTES.contains(&word.as_str()))
}

/// `Customer Name`, `customer_name`, `customerName` → `["customer", "name"]`.
fn header_words(header: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in header.trim().chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn class_of_header(words: &[String]) -> Option<ColumnClass> {
    let has = |w: &str| words.iter().any(|x| x == w);
    let joined = words.join("_");
    let only = |set: &[&str]| set.contains(&joined.as_str());

    // Identifiers first: `patient_id` is a record number, not a diagnosis.
    if only(&[
        "ssn",
        "social_security_number",
        "social_security_no",
        "ssn_number",
    ]) {
        return Some(SSN);
    }
    if only(&[
        "mrn",
        "medical_record_number",
        "medical_record_no",
        "patient_id",
        "patient_number",
    ]) {
        return Some(MEDICAL_RECORD);
    }
    if only(&[
        "dob",
        "date_of_birth",
        "birth_date",
        "birthdate",
        "birthday",
        "born",
    ]) {
        return Some(DATE_OF_BIRTH);
    }
    if (has("phone") || has("telephone") || has("mobile") || has("cell") && has("phone"))
        && !has("model")
        && !has("brand")
        || only(&["tel", "phone_no", "cellphone", "mobile_no"])
    {
        return Some(PHONE);
    }
    // `treatment` and `condition` are left out: in experiments and housing
    // data they are arms and grades, not health.
    const HEALTH_WORDS: &[&str] = &[
        "diagnosis",
        "diagnoses",
        "icd",
        "icd10",
        "medication",
        "medications",
        "prescription",
        "disease",
        "symptoms",
        "patient",
        "allergies",
    ];
    if words.iter().any(|w| HEALTH_WORDS.contains(&w.as_str())) && !has("name") {
        return Some(HEALTH);
    }
    // `ip_address` and `email_address` have their own rules.
    if (has("address") || has("street") || only(&["addr", "address1", "address2"]))
        && !has("ip")
        && !has("email")
        && !has("mac")
        && !has("web")
    {
        return Some(ADDRESS);
    }
    const PERSON: &[&str] = &[
        "name",
        "full_name",
        "fullname",
        "first_name",
        "firstname",
        "last_name",
        "lastname",
        "surname",
        "given_name",
        "family_name",
        "person",
        "person_name",
        "patient_name",
        "customer",
        "customer_name",
        "client_name",
        "employee",
        "employee_name",
        "contact_name",
        "member_name",
        "student_name",
        "applicant_name",
        "passenger_name",
        "account_holder",
        "cardholder",
        "cardholder_name",
    ];
    if only(PERSON) {
        return Some(PERSON_NAME);
    }
    None
}

fn is_missing(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "" | "nan" | "none" | "null" | "nat" | "<na>" | "n/a" | "na" | "..." | "…" | "-"
    )
}

/// Two to four capitalised words of letters (apostrophes, hyphens and a
/// particle such as `van` or `de` allowed), or `Surname, Given`.
pub(crate) fn looks_like_full_name(value: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "van", "von", "de", "del", "da", "di", "la", "le", "bin", "al",
    ];
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if !(2..=4).contains(&words.len()) {
        return false;
    }
    words.iter().all(|word| {
        let word = word.trim_end_matches('.');
        let mut chars = word.chars();
        let first_upper = chars.next().is_some_and(char::is_uppercase);
        let letters = word
            .chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-');
        letters && (first_upper || PARTICLES.contains(&word))
    }) && !words
        .iter()
        .any(|w| NOT_NAME_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// Words that make a capitalised phrase a place, a road, a company or a
/// product rather than a person.
const NOT_NAME_WORDS: &[&str] = &[
    "street",
    "st",
    "road",
    "rd",
    "avenue",
    "ave",
    "highway",
    "hwy",
    "rte",
    "route",
    "blvd",
    "lane",
    "ln",
    "way",
    "drive",
    "park",
    "city",
    "county",
    "state",
    "river",
    "lake",
    "inc",
    "ltd",
    "llc",
    "corp",
    "company",
    "co",
    "group",
    "bank",
    "university",
    "school",
    "hospital",
    "hotel",
    "restaurant",
    "store",
    "shop",
    "the",
    "of",
    "and",
    "for",
    "new",
    "north",
    "south",
    "east",
    "west",
    "soda",
    "salad",
    "bowl",
    "burrito",
    "chips",
    "tacos",
    "model",
    "series",
];

/// The Titanic passenger list: `Surname, Title. Given names` with the
/// honorifics of its records, in most values.
fn is_titanic_list(values: &[&str]) -> bool {
    const TITLES: &[&str] = &[
        "Mr.",
        "Mrs.",
        "Miss.",
        "Master.",
        "Rev.",
        "Dr.",
        "Col.",
        "Major.",
        "Capt.",
        "Mme.",
        "Mlle.",
        "Ms.",
        "Don.",
        "Dona.",
        "Lady.",
        "Sir.",
        "Jonkheer.",
        "the",
    ];
    let titanic = values
        .iter()
        .filter(|v| {
            v.split_once(", ").is_some_and(|(_, rest)| {
                rest.split_whitespace()
                    .next()
                    .is_some_and(|title| TITLES.contains(&title))
            })
        })
        .count();
    titanic as f64 >= MAJORITY * values.len() as f64
}

/// Common given names in many languages (`given-names.txt`), lower case.
fn given_names() -> &'static HashSet<&'static str> {
    static NAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| validate::word_list(include_str!("given-names.txt")).collect())
}

/// Whether a word is a known given name (any case).
pub(crate) fn is_given_name(word: &str) -> bool {
    given_names().contains(word.to_lowercase().as_str())
}

fn has_given_names(values: &[&str]) -> bool {
    let known = values
        .iter()
        .filter(|v| {
            v.split(|c: char| !c.is_alphabetic())
                .any(|w| !w.is_empty() && is_given_name(w))
        })
        .count();
    known > 0 && known as f64 >= 0.3 * values.len() as f64
}

/// A house number and words (`221B Baker Street`, `1600 Amphitheatre Pkwy`),
/// or words then a number (`Hauptstraße 5`).
fn looks_like_street_address(value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    let has_number = words
        .iter()
        .any(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    let alpha_words = words
        .iter()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .count();
    words.len() >= 2 && has_number && alpha_words >= 1 && !value.contains("://")
}

fn looks_like_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
    // One dot is a float (`4158672301.0`), not a number written `415.867.2301`.
    allowed && (7..=15).contains(&digits) && value.matches('.').count() != 1
}

fn looks_like_health_entry(value: &str) -> bool {
    // An ICD-10 code (`E11.9`) or words; single letters and numbers are
    // labels of a benchmark, not someone's record.
    let chars: Vec<char> = value.chars().take(3).collect();
    let icd = chars.len() == 3
        && chars[0].is_ascii_uppercase()
        && chars[1..].iter().all(char::is_ascii_digit);
    let letters = value.chars().filter(|c| c.is_alphabetic()).count();
    icd || letters >= 4
}

fn looks_like_record_number(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    digits >= 5 && value.len() <= 20 && !value.contains(' ')
}

fn looks_like_ssn(value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let shape = value
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    // Masked values (`***-**-4817`) still say the column holds SSNs.
    let masked = value.starts_with("***-**-") && digits.len() == 4;
    shape && digits.len() == 9 || masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_that_make_names_records() {
        assert!(describes_a_person("salary"));
        assert!(describes_a_person("Date of Birth"));
        assert!(describes_a_person("hire_date"));
        assert!(!describes_a_person("department_id"));
        assert!(!describes_a_person("name"));
    }

    fn rule(header: &str, values: &[&str]) -> Option<&'static str> {
        classify(header, values).map(|c| c.rule_id)
    }

    #[test]
    fn headers_split_into_words() {
        assert_eq!(header_words("customerName"), ["customer", "name"]);
        assert_eq!(header_words("Date of Birth"), ["date", "of", "birth"]);
        assert_eq!(header_words("FULL_NAME"), ["full", "name"]);
    }

    #[test]
    fn full_names_under_a_name_header_are_reported() {
        let names = [
            "Michael Allen",
            "Nora Hall",
            "Priya Raman",
            "Carlos de la Vega",
        ];
        assert_eq!(rule("name", &names), Some("pii.column-person-name"));
        assert_eq!(
            rule("Customer Name", &names),
            Some("pii.column-person-name")
        );
        assert_eq!(
            rule("full_name", &["Hall, Nora", "Allen, Michael"]),
            Some("pii.column-person-name")
        );
    }

    #[test]
    fn products_models_and_roads_are_not_people() {
        assert_eq!(
            rule("name", &["Canned Soda", "Chicken Bowl", "Side of Chips"]),
            None
        );
        assert_eq!(
            rule("name", &["resnet50", "bert-base-uncased", "gpt2"]),
            None
        );
        assert_eq!(
            rule("FULLNAME", &["State Rte 1", "Cabrillo Hwy", "Owl Creek Rd"]),
            None
        );
        assert_eq!(rule("name", &["HR", "Engineering", "Marketing"]), None);
    }

    #[test]
    fn given_names_alone_identify_nobody() {
        assert_eq!(rule("first_name", &["Alex", "Amy", "Allen", "Alice"]), None);
        assert_eq!(rule("Name", &["Emma", "Madison", "Olivia"]), None);
    }

    #[test]
    fn the_titanic_passenger_list_is_not_reported() {
        let passengers = [
            "Braund, Mr. Owen Harris",
            "Cumings, Mrs. John Bradley (Florence Briggs Thayer)",
            "Heikkinen, Miss. Laina",
            "Palsson, Master. Gosta Leonard",
        ];
        assert_eq!(rule("Name", &passengers), None);
    }

    #[test]
    fn addresses_need_a_number_and_words() {
        let streets = [
            "221B Baker Street",
            "1600 Amphitheatre Pkwy",
            "Hauptstraße 5",
        ];
        assert_eq!(rule("address", &streets), Some("pii.column-address"));
        assert_eq!(rule("home_address", &streets), Some("pii.column-address"));
        // The students dataset's `address` is U (urban) or R (rural).
        assert_eq!(rule("address", &["U", "R", "U"]), None);
        assert_eq!(rule("ip_address", &["81.2.69.160"]), None);
    }

    #[test]
    fn health_columns_need_entries_not_labels() {
        assert_eq!(
            rule("diagnosis", &["Type 2 diabetes", "E11.9", "Hypertension"]),
            Some("pii.column-health")
        );
        // Not ASCII: read by characters, never cut inside one.
        assert_eq!(rule("diagnosis", &["Ä1é"]), None);
        // The breast-cancer benchmark's labels.
        assert_eq!(rule("diagnosis", &["M", "B", "B", "M"]), None);
        assert_eq!(
            rule("MRN", &["00482913", "00519377"]),
            Some("pii.column-medical-record-number")
        );
    }

    #[test]
    fn dates_of_birth_phones_and_ssns() {
        assert_eq!(
            rule("dob", &["1984-07-23", "1991-02-11"]),
            Some("pii.column-date-of-birth")
        );
        assert_eq!(rule("birthyear", &["1985", "1984"]), None);
        assert_eq!(rule("dob", &["1985", "1984"]), None);
        assert_eq!(
            rule("phone", &["(415) 867-2301", "312-848-0972"]),
            Some("pii.column-phone")
        );
        assert_eq!(rule("phone_model", &["Pixel 8", "iPhone 15"]), None);
        assert_eq!(
            rule("ssn", &["536224817", "***-**-4817"]),
            Some("pii.column-ssn")
        );
        assert_eq!(rule("ssn", &["NaN", "nan"]), None);
    }

    #[test]
    fn unrelated_headers_are_not_classified() {
        assert_eq!(rule("city", &["San Francisco", "New York"]), None);
        assert_eq!(rule("item_name", &["Michael Allen"]), None);
    }
}

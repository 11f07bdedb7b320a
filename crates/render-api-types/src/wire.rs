//! Serde helpers the generated code calls for the service's loose wire forms (private: the
//! generated code is their only caller).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

use crate::CodedEnum;

/// An integer code, accepted as a JSON number or as a string of digits (`4` or `"4"`).
pub fn int_code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Code;
    impl Visitor<'_> for Code {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer code (a number, or a string of digits)")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom(format!("the code {v} does not fit 64 bits")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
    deserializer.deserialize_any(Code)
}

/// A string the service sometimes sends as a number (`"15000"` or `15000`).
pub fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Text;
    impl Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    deserializer.deserialize_any(Text)
}

/// [`string_or_number`] for a nullable field (generated code uses it when a model has a
/// nullable `text` field).
#[allow(dead_code)]
pub fn option_string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Wrap(#[serde(deserialize_with = "string_or_number")] String);
    Ok(Option::<Wrap>::deserialize(deserializer)?.map(|w| w.0))
}

/// [`int_code`] for an optional parameter.
pub fn option_int_code<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Wrap(#[serde(deserialize_with = "int_code")] i64);
    Ok(Option::<Wrap>::deserialize(deserializer)?.map(|w| w.0))
}

use serde::Deserialize as _;

/// `Display` of an enum: its kebab-case name, or `unknown code N`.
pub fn display_enum<T: CodedEnum>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match value.name() {
        Some(name) => f.write_str(name),
        None => write!(f, "unknown code {}", crate::code_text(value)),
    }
}

//! Arguments that carry JSON text: given inline, as `@FILE`, or as `-` for stdin, like
//! `curl -d` and the AWS CLI's `file://`.

use std::io::Read;

use render_api_client::types::{CodedEnum, parse_enum};

/// The value parser of an enum argument: its names and numeric codes are accepted (as
/// [`parse_enum`] reads them), and its known names are offered by shell completion.
pub fn enum_parser<T: CodedEnum + Send + Sync>() -> EnumParser<T> {
    EnumParser(std::marker::PhantomData)
}

/// See [`enum_parser`].
#[derive(Debug)]
pub struct EnumParser<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Clone for EnumParser<T> {
    fn clone(&self) -> Self {
        EnumParser(std::marker::PhantomData)
    }
}

impl<T: CodedEnum + Send + Sync> clap::builder::TypedValueParser for EnumParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        parse_enum::<T>(&text).map_err(|e| {
            let flag = arg.map_or_else(|| "the argument".to_owned(), |a| format!("'{a}'"));
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value '{text}' for {flag}: {e}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            T::KNOWN
                .iter()
                .filter_map(CodedEnum::name)
                .map(clap::builder::PossibleValue::new),
        ))
    }
}

/// A JSON argument's text: `-` reads stdin, `@PATH` reads the file, anything else is the text
/// itself; in every case it must parse as JSON, and the error says where it does not.
pub fn json_text(arg: &str) -> Result<String, String> {
    let (text, from) = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        (text, "stdin".to_owned())
    } else if let Some(path) = arg.strip_prefix('@') {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        (text, path.to_owned())
    } else {
        (arg.to_owned(), "the argument".to_owned())
    };
    match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
        Ok(_) => Ok(text),
        Err(e) => Err(format!(
            "{from} is not JSON: line {}, column {}: {e}",
            e.line(),
            e.column()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::json_text;

    #[test]
    fn inline_files_and_errors_with_their_place() {
        assert_eq!(json_text(r#"{"a": 1}"#).unwrap(), r#"{"a": 1}"#);
        let dir = std::env::temp_dir().join(format!("renderbus-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("task.json");
        std::fs::write(&good, "{\n  \"software_config\": {}\n}\n").unwrap();
        assert!(
            json_text(&format!("@{}", good.display()))
                .unwrap()
                .contains("software_config")
        );
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\n  \"a\": 1,\n  oops\n}\n").unwrap();
        let err = json_text(&format!("@{}", bad.display())).unwrap_err();
        assert!(
            err.contains("bad.json is not JSON: line 3, column 3"),
            "{err}"
        );
        let err = json_text("@/no/such/file.json").unwrap_err();
        assert!(err.contains("cannot read /no/such/file.json"), "{err}");
        assert!(
            json_text("not json")
                .unwrap_err()
                .starts_with("the argument is not JSON")
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}

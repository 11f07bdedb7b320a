//! The checked model of `api-spec.yaml`, the single source of truth of the Renderbus / Fox
//! Renderfarm API.
//!
//! [`load`] reads a spec file, lints it, and returns the [`Spec`] model: every type name
//! resolved, every example parsed and checked, and every fact generators and tools need
//! (pagination, positional and defaulted parameters, shared parameter sets) decided once.
//! The code generator, the tests, the benchmarks and the verification tools read only this
//! model. A spec with errors yields [`SpecErrors`], each naming the file, the line and the
//! YAML path:
//!
//! ```text
//! error: api-spec.yaml:18: models[Platform].fields[region]: unknown type `Region`: no enum or model has this name
//! ```
//!
//! ```
//! let spec = render_spec::parse(
//!     "api-spec.yaml",
//!     r#"
//! title: Example
//! generations:
//!   - {name: v1, version: 1.0.0, zh: "第一代", en: "The first generation."}
//! enums:
//!   - name: ErrorCode
//!     repr: integer
//!     zh: "返回码"
//!     en: "The reply's code."
//!     values:
//!       - {name: Success, value: 200, zh: "成功", en: "Success."}
//! endpoints:
//!   - name: ping
//!     path: /api/ping
//!     group: misc
//!     command: ping
//!     idempotent: true
//!     zh: "探测"
//!     en: "Checks the service answers."
//!     response: ack
//!     examples: {data: 'null'}
//! "#,
//! )?;
//! assert_eq!(spec.endpoints[0].response, render_spec::Type::Ack);
//! # Ok::<(), render_spec::SpecErrors>(())
//! ```

pub mod diff;
mod lint;
mod model;
mod raw;
mod ty;

use std::path::Path;

pub use lint::{
    ENVELOPE_FIELDS, ERROR_CODE_ENUM, PAGE_NUM, PAGE_SIZE, envelope_mismatches, request_mismatches,
};
pub use model::*;
pub use raw::{SpecError, SpecErrors};
pub use ty::{Checked, Finding, PAGE_COUNTS, Position, Ref, Type};

/// The repository root at or above `start`: the first directory holding both `api-spec.yaml`
/// and `xtask/Cargo.toml`. Found at run time, so a tool built into a shared target directory
/// works on the checkout it is run in.
pub fn find_repo_root(start: &Path) -> Option<std::path::PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("api-spec.yaml").is_file() && dir.join("xtask/Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// Reads, parses and lints a spec file.
pub fn load(file: &Path) -> Result<Spec, SpecErrors> {
    lint::check(&raw::load(file)?)
}

/// Parses and lints spec text read from `file` (the name errors carry).
pub fn parse(file: impl AsRef<Path>, text: impl Into<String>) -> Result<Spec, SpecErrors> {
    lint::check(&raw::parse(file.as_ref(), text.into())?)
}

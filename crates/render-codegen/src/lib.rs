//! The code generator: from the checked spec model ([`render_spec::Spec`]) to the generated
//! files of the types crate (models, enums, requests, endpoint descriptors, the `Service`
//! trait and its dispatcher), the client (one method per endpoint and the setters of its
//! call), the CLI (one command per endpoint, a table row per model), its MCP tools (one per
//! endpoint) and the Python package's methods, enums and type stub.
//!
//! Generated files are formatted with prettyplease, start with [`PREAMBLE`], and are written
//! only through [`ensure_file_contents`]; `cargo xtask codegen --check` fails naming every
//! stale file. Nothing here re-reads the spec's text: every fact comes from the model.

mod codegen;
pub mod examples;
mod gen_cli;
mod gen_client;
mod gen_common;
mod gen_mcp;
mod gen_openapi;
mod gen_python;
mod gen_types;

pub use render_spec;

pub use codegen::{
    CodegenError, PREAMBLE, REGENERATE, ensure_file_contents, find_root, generate, run,
};

//! The project's build tasks: the spec loader and linter, and the code generator.
//!
//! `cargo xtask codegen` regenerates every generated file from `api-spec.yaml`;
//! `cargo xtask codegen --check` writes nothing and fails when any is stale.

pub mod codegen;
pub mod gen_cli;
pub mod gen_client;
pub mod gen_common;
pub mod gen_types;
pub mod lint;
pub mod spec;
pub mod types;

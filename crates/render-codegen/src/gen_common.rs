//! What the generators share: names, doc comments, and the Rust form of spec types. Every
//! `match` over [`Type`] in the generators is here or exhaustive where it stands.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use render_spec::{DefaultValue, Endpoint, Param, Type};

/// `#[doc]` attributes, one per line of `text` (prettyplease prints them as `/// line`).
pub fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", l.trim_end())
        }
    });
    quote! { #(#[doc = #lines])* }
}

/// An identifier.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The endpoint's descriptor type (`GetTaskList`).
pub fn endpoint_ident(ep: &Endpoint) -> Ident {
    ident(&ep.name.to_pascal_case())
}

/// The endpoint's request type (`GetTaskListRequest`).
pub fn request_ident(ep: &Endpoint) -> Ident {
    format_ident!("{}Request", ep.name.to_pascal_case())
}

/// The endpoint's method name on clients and services (`get_task_list`).
pub fn method_ident(ep: &Endpoint) -> Ident {
    ident(&ep.name.to_snake_case())
}

/// Where the types crate's hand-written items (`Money`, `EpochMillis`, `Page`) are: `crate::`
/// inside that crate, nothing where they are imported.
#[derive(Clone, Copy)]
pub enum Hand {
    /// Inside the types crate.
    Crate,
    /// Where `render_api_types::*` is imported.
    Imported,
}

/// The Rust type of a spec type.
pub fn rust_ty(ty: &Type, hand: Hand) -> TokenStream {
    let prefix = match hand {
        Hand::Crate => quote!(crate::),
        Hand::Imported => quote!(),
    };
    match ty {
        Type::Int => quote!(i64),
        Type::Str | Type::Text => quote!(String),
        Type::Bool => quote!(bool),
        Type::Decimal => quote!(#prefix Money),
        Type::EpochMs => quote!(#prefix EpochMillis),
        Type::Json => quote!(serde_json::Value),
        Type::Ack => quote!(#prefix Ack),
        Type::List(inner) => {
            let inner = rust_ty(inner, hand);
            quote!(Vec<#inner>)
        }
        Type::Page(inner) => {
            let inner = rust_ty(inner, hand);
            quote!(#prefix Page<#inner>)
        }
        Type::Enum(e) => {
            let name = ident(e.name());
            quote!(#name)
        }
        Type::Model(m) => {
            let name = ident(m.name());
            quote!(#name)
        }
    }
}

/// How a parameter is taken by `new`, setters and client methods, and how the taken value
/// becomes the stored one: strings as `impl Into<String>`, lists as
/// `impl IntoIterator<Item = T>` (so a wrong element type is reported as such), the rest as
/// they are.
pub fn param_input(p: &Param, hand: Hand) -> (TokenStream, TokenStream) {
    let id = ident(&p.rust);
    match &p.ty {
        Type::Str | Type::Text => (quote!(impl Into<String>), quote!(#id.into())),
        Type::List(inner) => {
            let inner = rust_ty(inner, hand);
            (
                quote!(impl IntoIterator<Item = #inner>),
                quote!(#id.into_iter().collect()),
            )
        }
        other => (rust_ty(other, hand), quote!(#id)),
    }
}

/// The Rust expression of a parameter's default value (the linter types it by the
/// parameter's type).
pub fn default_expr(value: &DefaultValue) -> TokenStream {
    match value {
        DefaultValue::Int(n) => quote!(#n),
        DefaultValue::Str(s) => quote!(#s.to_owned()),
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Enum { ty, variant, .. } => {
            let (ty, variant) = (ident(ty), ident(variant));
            quote!(#ty::#variant)
        }
    }
}

/// ` Unit: hours.` or nothing.
pub fn unit_note(unit: &Option<String>) -> String {
    unit.as_ref()
        .map(|u| format!(" Unit: {u}."))
        .unwrap_or_default()
}

/// ` Milliseconds since the Unix epoch.` (the type's note) or nothing.
pub fn ty_note(ty: &Type) -> String {
    let note = ty.note();
    if note.is_empty() {
        String::new()
    } else {
        format!(" {note}")
    }
}

/// The marker type of generation `g` (`V1`).
pub fn generation_ident(spec: &render_spec::Spec, g: render_spec::GenId) -> Ident {
    ident(&spec.generation(g).name.to_pascal_case())
}

/// `POST /a (v1), POST /b (v2)`: where an endpoint is, for docs.
pub fn paths_text(spec: &render_spec::Spec, ep: &Endpoint) -> String {
    let list: Vec<String> = ep
        .paths
        .iter()
        .map(|(g, path)| format!("`POST {path}` ({})", spec.generation(*g).name))
        .collect();
    list.join(", ")
}

/// `\n\nNotes: …` when the spec has notes, else nothing.
pub fn notes(notes: &Option<String>) -> String {
    notes
        .as_ref()
        .map(|n| format!("\n\nNote: {n}"))
        .unwrap_or_default()
}

/// What a call does when it fails, for its docs: a read is retried; a write is sent once, and
/// a lost reply is read back with the spec's `read_back` (or is an unknown outcome).
pub fn retry_note(ep: &Endpoint) -> String {
    use render_spec::ReadBack;
    match &ep.read_back {
        _ if ep.idempotent => "A read: retried on transport failures, timeouts and 5xx.".into(),
        Some(ReadBack::Read(rb)) => format!(
            "A write: sent once. When its reply is lost, `{}` is asked whether it took effect: if so the call succeeds, if not it is sent again (within the retry policy), and if the read cannot tell, `Error::OutcomeUnknown`.",
            rb.read
        ),
        Some(ReadBack::None(why)) => format!(
            "A write: sent once. A lost reply is `Error::OutcomeUnknown`, since no read shows its effect: {why}"
        ),
        None => "A write: sent once.".into(),
    }
}

//! What the generators share: doc comments and the Rust form of spec types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::types::Ty;

/// `#[doc]` attributes, one per line of `text` (prettyplease prints them as `///`).
pub fn doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}").trim_end().to_owned());
    quote! { #(#[doc = #lines])* }
}

/// The Rust type of a spec type. `hand` is the path to the types crate's hand-written items
/// (`Money`, `EpochMillis`, `Page`): `crate::` inside that crate, nothing where they are
/// imported.
pub fn rust_ty(ty: &Ty, hand: &TokenStream) -> TokenStream {
    match ty {
        Ty::Int => quote!(i64),
        Ty::Str | Ty::Text => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::Decimal => quote!(#hand Money),
        Ty::EpochMs => quote!(#hand EpochMillis),
        Ty::Json => quote!(serde_json::Value),
        Ty::Unit => quote!(()),
        Ty::List(inner) => {
            let inner = rust_ty(inner, hand);
            quote!(Vec<#inner>)
        }
        Ty::Page(inner) => {
            let inner = rust_ty(inner, hand);
            quote!(#hand Page<#inner>)
        }
        Ty::Named(name) => {
            let name = format_ident!("{name}");
            quote!(#name)
        }
    }
}

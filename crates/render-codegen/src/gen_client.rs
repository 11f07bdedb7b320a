//! Generates `render-api-client`'s methods: for each API generation, one method per endpoint
//! that generation has, taking the endpoint's required parameters there and answering a
//! [`Call`](../render_api_client/struct.Call.html) whose setters are that generation's other
//! parameters.
//!
//! The rule is the same for every endpoint, so a method's shape follows from the spec alone
//! and changes only when its required parameters do: adding an optional (or defaulted)
//! parameter adds a setter and breaks no caller. An endpoint or parameter a generation lacks
//! has no method or setter on that generation's client: calling it does not compile.

use proc_macro2::TokenStream;
use quote::quote;
use render_spec::{Endpoint, Spec};

use crate::gen_common::{
    Hand, doc, endpoint_ident, generation_ident, ident, method_ident, notes, param_input,
    request_ident,
};

/// The generated file of the client crate, relative to its `src/generated/`.
pub fn generate(spec: &Spec) -> Vec<(&'static str, TokenStream)> {
    let per_generation = spec.generation_ids().map(|g| {
        let marker = generation_ident(spec, g);
        let methods = spec
            .endpoints
            .iter()
            .filter_map(|ep| ep.path_in(g).map(|path| method(spec, ep, g, path)));
        let setters = spec
            .endpoints
            .iter()
            .filter(|ep| ep.path_in(g).is_some())
            .filter_map(|ep| setters(ep, g, &marker));
        let d = doc(&format!(
            "The calls of API {}: {}",
            spec.generation(g).version,
            spec.generation(g).doc.en
        ));
        quote! {
            #d
            impl<T: Transport> Client<#marker, T> {
                #(#methods)*
            }

            #(#setters)*
        }
    });
    vec![(
        "mod.rs",
        quote! {
            //! One method per endpoint and API generation, answering a [`Call`]; the call's
            //! setters are the endpoint's optional parameters, and `send` makes it. The same
            //! methods serve every transport: `send()` blocks on a [`Client`], and is awaited
            //! on an `AsyncClient` (feature `async`).
            use render_api_types::*;
            use crate::{Call, Client};
            use crate::transport::Transport;

            #(#per_generation)*
        },
    )]
}

fn method(spec: &Spec, ep: &Endpoint, g: render_spec::GenId, path: &str) -> TokenStream {
    let endpoint = endpoint_ident(ep);
    let request = request_ident(ep);
    let name = method_ident(ep);
    let kind = crate::gen_common::retry_note(ep);
    let secret = if ep.secret {
        "\n\nThe reply carries a secret: it is never logged, and `Debug` redacts it."
    } else {
        ""
    };
    let setters: Vec<String> = ep.settable_in(g).map(|p| format!("`{}`", p.rust)).collect();
    let setters = if setters.is_empty() {
        String::new()
    } else {
        format!(" Setters on the call: {}.", setters.join(", "))
    };
    let pages = if ep.pagination.is_some() {
        " `.items()` walks every item of every page, `.pages()` every page."
    } else {
        ""
    };
    let version = &spec.generation(g).version;
    let d = doc(&format!(
        "`{}` — {}: {}\n\n`POST {}` (API {version}). {kind}{secret}\n\n`.send()` makes the call (`.send().await` on an async client).{setters}{pages} See [`{endpoint}`] and [`{request}`].{}",
        ep.name,
        ep.doc.zh,
        ep.doc.en,
        path,
        notes(&ep.notes),
    ));
    let mut args = Vec::new();
    let mut new_values = Vec::new();
    let mut set_values = Vec::new();
    for p in ep.required_in(g) {
        let id = ident(&p.rust);
        let (input, _) = param_input(p, Hand::Imported);
        args.push(quote!(#id: #input));
        if ep.required_everywhere(p) {
            new_values.push(quote!(#id));
        } else {
            set_values.push(quote!(.#id(#id)));
        }
    }
    // Every required parameter is an argument (the one rule that keeps shapes stable), so a
    // call with many required parameters has many arguments: allowed where it happens.
    let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #d
        #many
        pub fn #name(&self #(, #args)*) -> Call<'_, #endpoint, Self> {
            Call::new(self, #request::new(#(#new_values),*) #(#set_values)*)
        }
    }
}

fn setters(
    ep: &Endpoint,
    g: render_spec::GenId,
    marker: &proc_macro2::Ident,
) -> Option<TokenStream> {
    let endpoint = endpoint_ident(ep);
    let fns: Vec<TokenStream> = ep
        .settable_in(g)
        .map(|p| {
            let id = ident(&p.rust);
            let (input, _) = param_input(p, Hand::Imported);
            let d = doc(&format!("Sets `{}`: {} — {}", p.wire, p.doc.zh, p.doc.en));
            quote! {
                #d
                pub fn #id(self, #id: #input) -> Self {
                    self.map(|request| request.#id(#id))
                }
            }
        })
        .collect();
    (!fns.is_empty()).then(|| {
        quote! {
            impl<T: Transport> Call<'_, #endpoint, Client<#marker, T>> {
                #(#fns)*
            }
        }
    })
}

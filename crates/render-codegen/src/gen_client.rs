//! Generates `render-api-client`'s methods: one per endpoint, taking the required parameters
//! and answering a [`Call`](../render_api_client/struct.Call.html) whose setters are the
//! other parameters.
//!
//! The rule is the same for every endpoint, so a method's shape follows from the spec alone
//! and changes only when its required parameters do: adding an optional (or defaulted)
//! parameter adds a setter and breaks no caller.

use proc_macro2::TokenStream;
use quote::quote;
use render_spec::{Endpoint, Spec};

use crate::gen_common::{
    Hand, doc, endpoint_ident, ident, method_ident, param_input, request_ident,
};

/// The generated file of the client crate, relative to its `src/generated/`.
pub fn generate(spec: &Spec) -> Vec<(&'static str, TokenStream)> {
    let methods = spec.endpoints.iter().map(method);
    let setters = spec.endpoints.iter().filter_map(setters);
    vec![(
        "mod.rs",
        quote! {
            //! One method per endpoint, answering a [`Call`]; the call's setters are the
            //! endpoint's optional parameters, and `send` makes it.
            use render_api_types::*;
            use crate::{Call, Client};

            impl Client {
                #(#methods)*
            }

            #(#setters)*
        },
    )]
}

fn method(ep: &Endpoint) -> TokenStream {
    let endpoint = endpoint_ident(ep);
    let request = request_ident(ep);
    let name = method_ident(ep);
    let kind = if ep.idempotent {
        "A read: retried on transport failures, timeouts and 5xx."
    } else {
        "A write: sent once, unless the retry policy opts writes in."
    };
    let secret = if ep.secret {
        "\n\nThe reply carries a secret: it is never logged, and `Debug` redacts it."
    } else {
        ""
    };
    let setters: Vec<String> = ep.settable().map(|p| format!("`{}`", p.rust)).collect();
    let setters = if setters.is_empty() {
        String::new()
    } else {
        format!(" Setters on the call: {}.", setters.join(", "))
    };
    let pages = if ep.pagination.is_some() {
        " `.pages()` walks every page."
    } else {
        ""
    };
    let d = doc(&format!(
        "`{}` — {}: {}\n\n`POST {}`. {kind}{secret}\n\n`.send()` makes the call.{setters}{pages} See [`{endpoint}`] and [`{request}`].",
        ep.name, ep.doc.zh, ep.doc.en, ep.path,
    ));
    let (args, values): (Vec<TokenStream>, Vec<TokenStream>) = ep
        .required()
        .map(|p| {
            let id = ident(&p.rust);
            let (input, _) = param_input(p, Hand::Imported);
            (quote!(#id: #input), quote!(#id))
        })
        .unzip();
    // Every required parameter is an argument (the one rule that keeps shapes stable), so a
    // call with many required parameters has many arguments: allowed where it happens.
    let many = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #d
        #many
        pub fn #name(&self #(, #args)*) -> Call<'_, #endpoint> {
            Call::new(self, #request::new(#(#values),*))
        }
    }
}

fn setters(ep: &Endpoint) -> Option<TokenStream> {
    let endpoint = endpoint_ident(ep);
    let fns: Vec<TokenStream> = ep
        .settable()
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
            impl<C> Call<'_, #endpoint, C> {
                #(#fns)*
            }
        }
    })
}

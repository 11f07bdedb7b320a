//! Generates `render-api-client`'s methods: one per endpoint, each a call of the core.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::gen_common::{self, doc};
use crate::lint::Checked;
use crate::spec::EndpointDef;
use crate::types::{self, Ty};

/// Endpoints with at most this many parameters, all required, take them directly.
const MAX_DIRECT_PARAMS: usize = 3;

/// The generated file of the client crate, relative to its `src/generated/`.
pub fn generate(checked: &Checked<'_>) -> Vec<(&'static str, TokenStream)> {
    let methods = checked.loaded.spec.endpoints.iter().map(method);
    vec![(
        "mod.rs",
        quote! {
            //! One method per endpoint, each a single call of [`Client::call`](crate::Client::call).
            use render_api_types::*;
            use crate::{Client, Error, Pages};

            impl Client {
                #(#methods)*
            }
        },
    )]
}

fn rust_ty(ty: &Ty) -> TokenStream {
    gen_common::rust_ty(ty, &quote!())
}

fn direct_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::Str | Ty::Text => quote!(&str),
        Ty::List(inner) => {
            let inner = rust_ty(inner);
            quote!(&[#inner])
        }
        other => rust_ty(other),
    }
}

fn method(ep: &EndpointDef) -> TokenStream {
    let endpoint = format_ident!("{}", ep.name.to_pascal_case());
    let request = format_ident!("{}Request", ep.name.to_pascal_case());
    let name = format_ident!("{}", ep.name.to_snake_case());
    let response = rust_ty(&types::parse(&ep.response).expect("linted").ty);
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
    let d = doc(&format!(
        "`{}` — {}: {}\n\n`POST {}`. {kind}{secret}\n\nSee [`{endpoint}`] and [`{request}`].",
        ep.name,
        ep.zh.clone().unwrap_or_default(),
        ep.en.clone().unwrap_or_default(),
        ep.path,
    ));
    let direct = ep.params.iter().all(|p| p.required) && ep.params.len() <= MAX_DIRECT_PARAMS;
    let mut out = if direct {
        let args: Vec<_> = ep
            .params
            .iter()
            .map(|p| {
                let id = format_ident!(
                    "{}",
                    p.rust.clone().unwrap_or_else(|| p.name.to_snake_case())
                );
                let ty = direct_ty(&types::parse(&p.ty).expect("linted").ty);
                (id, ty)
            })
            .collect();
        let values: Vec<TokenStream> = ep
            .params
            .iter()
            .zip(&args)
            .map(
                |(p, (id, _))| match types::parse(&p.ty).expect("linted").ty {
                    Ty::List(_) => quote!(#id.to_vec()),
                    _ => quote!(#id),
                },
            )
            .collect();
        let (ids, tys): (Vec<_>, Vec<_>) = args.into_iter().unzip();
        quote! {
            #d
            pub fn #name(&self #(, #ids: #tys)*) -> Result<#response, Error> {
                self.call::<#endpoint>(&#request::new(#(#values),*))
            }
        }
    } else {
        quote! {
            #d
            pub fn #name(&self, request: #request) -> Result<#response, Error> {
                self.call::<#endpoint>(&request)
            }
        }
    };
    if let Ty::Page(item) = &types::parse(&ep.response).expect("linted").ty {
        let has = |n: &str| ep.params.iter().any(|p| p.name == n && p.required);
        if has("pageNum") && has("pageSize") {
            let all = format_ident!("{}_all", ep.name.to_snake_case());
            let item = rust_ty(item);
            let d = doc(&format!(
                "Every `{item}` of every page of `{}`, from the request's page on, fetched as the iterator advances.",
                ep.name,
                item = item.to_string().replace(' ', "")
            ));
            let args = if direct {
                quote!()
            } else {
                quote!(request: #request)
            };
            out.extend(quote! {
                #d
                pub fn #all(&self, #args) -> Pages<'_, #endpoint> {
                    self.all_pages::<#endpoint>(request)
                }
            });
        }
    }
    out
}

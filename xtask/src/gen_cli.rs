//! Generates `render-cli`'s endpoint subcommands: one clap command per endpoint, grouped the
//! way users think (`task list`, `env add`), with arguments and help from the spec.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::gen_common::{self, doc};
use crate::lint::{Checked, Named};
use crate::spec::{EndpointDef, ParamDef};
use crate::types::{self, Ty};

/// Parameters taken as positional arguments when they are an endpoint's first required one.
const POSITIONAL: &[&str] = &[
    "taskId", "taskIds", "id", "editName", "delName", "newName", "code",
];

/// Page parameters get defaults on the command line.
const PAGE_DEFAULTS: &[(&str, &str)] = &[("pageNum", "1"), ("pageSize", "20")];

/// The generated file of the CLI crate, relative to its `src/generated/`.
pub fn generate(checked: &Checked<'_>) -> Vec<(&'static str, TokenStream)> {
    let mut groups: BTreeMap<&str, Vec<&EndpointDef>> = BTreeMap::new();
    for ep in &checked.loaded.spec.endpoints {
        groups.entry(ep.group.as_str()).or_default().push(ep);
    }
    let mut items = Vec::new();
    for (group, endpoints) in &groups {
        items.push(gen_group(checked, group, endpoints));
    }
    vec![(
        "mod.rs",
        quote! {
            //! One subcommand per endpoint, grouped as in the spec; each runs one client call.
            use render_api_client::types::*;
            use render_api_client::{Client, Error};
            use serde_json::Value;

            #(#items)*
        },
    )]
}

fn rust_ty(ty: &Ty) -> TokenStream {
    gen_common::rust_ty(ty, &quote!())
}

fn gen_group(checked: &Checked<'_>, group: &str, endpoints: &[&EndpointDef]) -> TokenStream {
    let enum_name = format_ident!("{}Command", group.to_pascal_case());
    let enum_doc = doc(&format!("`renderbus {group} …`: the `{group}` endpoints."));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut structs = Vec::new();
    for ep in endpoints {
        let variant = format_ident!("{}", ep.command.to_pascal_case());
        let args = format_ident!("{}Args", ep.name.to_pascal_case());
        let command = &ep.command;
        let about = format!(
            "{} ({})",
            ep.en.clone().unwrap_or_default().trim_end_matches('.'),
            ep.zh.clone().unwrap_or_default()
        );
        let long_about = format!(
            "{about}.\n\nCalls `{}` (POST {}), {}.",
            ep.name,
            ep.path,
            if ep.idempotent {
                "a read, retried on transient failures"
            } else {
                "a write, sent once"
            }
        );
        variants.push(quote! {
            #[command(name = #command, about = #about, long_about = #long_about)]
            #variant(#args),
        });
        arms.push(quote! { Self::#variant(args) => args.run(client), });
        structs.push(gen_args(checked, ep, &args));
    }
    quote! {
        #enum_doc
        #[derive(clap::Subcommand, Debug)]
        pub enum #enum_name {
            #(#variants)*
        }

        impl #enum_name {
            /// Runs the command's call; its data as JSON.
            pub fn run(self, client: &Client) -> Result<Value, Error> {
                match self {
                    #(#arms)*
                }
            }
        }

        #(#structs)*
    }
}

fn gen_args(checked: &Checked<'_>, ep: &EndpointDef, name: &proc_macro2::Ident) -> TokenStream {
    let endpoint = format_ident!("{}", ep.name.to_pascal_case());
    let request = format_ident!("{}Request", ep.name.to_pascal_case());
    let positional = ep
        .params
        .iter()
        .find(|p| p.required)
        .filter(|p| POSITIONAL.contains(&p.name.as_str()))
        .map(|p| p.name.as_str());
    let mut fields = Vec::new();
    let mut required = Vec::new();
    let mut setters = Vec::new();
    for p in &ep.params {
        let t = types::parse(&p.ty).expect("linted");
        let field = format_ident!(
            "{}",
            p.rust.clone().unwrap_or_else(|| p.name.to_snake_case())
        );
        let help = help(checked, p, &t.ty);
        let is_list = matches!(t.ty, Ty::List(_));
        let ty = rust_ty(&t.ty);
        let long = p.name.to_kebab_case();
        let page_default = PAGE_DEFAULTS
            .iter()
            .find(|(n, _)| *n == p.name)
            .map(|(_, d)| *d);
        let mut attrs = Vec::new();
        if Some(p.name.as_str()) == positional {
            attrs.push(quote!(value_name = #long));
            if is_list {
                attrs.push(quote!(required = true, num_args = 1..));
            }
        } else {
            attrs.push(quote!(long = #long));
            if let Some(singular) = p.name.strip_suffix("List").map(ToKebabCase::to_kebab_case) {
                attrs.push(quote!(visible_alias = #singular));
            }
            if is_list {
                // A flag list may be empty (`pluginIds: []` is a valid render environment).
                attrs.push(quote!(value_delimiter = ',', num_args = 0..));
            }
            if let Some(default) = page_default {
                attrs.push(quote!(default_value = #default));
            }
        }
        let field_ty = if p.required || is_list {
            ty
        } else {
            quote!(Option<#ty>)
        };
        fields.push(quote! {
            #[doc = #help]
            #[arg(#(#attrs),*)]
            pub #field: #field_ty,
        });
        if p.required {
            required.push(quote!(self.#field));
        } else if is_list {
            setters.push(quote! {
                if !self.#field.is_empty() {
                    request = request.#field(self.#field);
                }
            });
        } else {
            setters.push(quote! {
                if let Some(value) = self.#field {
                    request = request.#field(value);
                }
            });
        }
    }
    let d = doc(&format!(
        "Arguments of `renderbus {} {}`.",
        ep.group, ep.command
    ));
    let mutable = if setters.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        #d
        #[derive(clap::Args, Debug)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Builds the request and calls `#endpoint`.
            pub fn run(self, client: &Client) -> Result<Value, Error> {
                #[allow(unused_mut)]
                let #mutable request = #request::new(#(#required),*);
                #(#setters)*
                client.call::<#endpoint>(&request).map(crate::output::to_json)
            }
        }
    }
}

/// The help text of a parameter: the spec's description, unit and, for enums, the values.
fn help(checked: &Checked<'_>, p: &ParamDef, ty: &Ty) -> String {
    let mut text = format!(
        "{} ({})",
        p.en.clone().unwrap_or_default().trim_end_matches('.'),
        p.zh.clone().unwrap_or_default()
    );
    if let Some(unit) = &p.unit {
        text.push_str(&format!(" [{unit}]"));
    }
    let inner = match ty {
        Ty::List(inner) => inner,
        other => other,
    };
    if let Ty::Named(name) = inner
        && let Some(Named::Enum(e)) = checked.named(name)
    {
        let values: Vec<String> = e.values.iter().map(|v| v.name.to_kebab_case()).collect();
        text.push_str(&format!(
            " [values: {}, or a numeric code]",
            values.join(", ")
        ));
    }
    if matches!(ty, Ty::List(_)) {
        text.push_str(" [several: comma-separated]");
    }
    text
}

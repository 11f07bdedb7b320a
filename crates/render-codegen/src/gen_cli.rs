//! Generates `render-cli`'s endpoint subcommands: one clap command per endpoint, grouped the
//! way users think (`task list`, `env add`), each calling the endpoint's client method; and a
//! table row for every model, so tables show enum names rather than codes.

use std::collections::BTreeMap;

use heck::{ToKebabCase, ToPascalCase, ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use render_spec::{DefaultValue, Endpoint, Model, Param, Presence, Spec, Type};

use crate::gen_common::{Hand, doc, generation_ident, ident, method_ident, paths_text, rust_ty};

/// The generated file of the CLI crate, relative to its `src/generated/`.
pub fn generate(spec: &Spec) -> Vec<(&'static str, TokenStream)> {
    let mut groups: BTreeMap<&str, Vec<&Endpoint>> = BTreeMap::new();
    for ep in &spec.endpoints {
        groups.entry(ep.cli.group.as_str()).or_default().push(ep);
    }
    let commands = groups
        .iter()
        .map(|(group, endpoints)| gen_group(spec, group, endpoints));
    let rows = spec.models.iter().map(gen_row);
    let clients = gen_clients(spec);
    vec![(
        "mod.rs",
        quote! {
            //! One subcommand per endpoint, grouped as in the spec; each runs one client call in
            //! the API generation chosen. And the table row of every model.
            use render_api_client::types::*;
            use render_api_client::{Client, Error};
            use crate::output::{Output, Row, Show};

            #clients

            #(#commands)*

            #(#rows)*
        },
    )]
}

fn gen_group(spec: &Spec, group: &str, endpoints: &[&Endpoint]) -> TokenStream {
    let enum_name = format_ident!("{}Command", group.to_pascal_case());
    let enum_doc = doc(&format!("`renderbus {group} …`: the `{group}` endpoints."));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut structs = Vec::new();
    for ep in endpoints {
        let variant = format_ident!("{}", ep.cli.command.to_pascal_case());
        let args = format_ident!("{}Args", ep.name.to_pascal_case());
        let command = &ep.cli.command;
        let about = format!("{} ({})", ep.doc.en.trim_end_matches('.'), ep.doc.zh);
        let long_about = format!(
            "{about}.\n\nCalls `{}` ({}), {}.",
            ep.name,
            paths_text(spec, ep).replace('`', ""),
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
        structs.push(gen_args(spec, ep, &args));
    }
    quote! {
        #enum_doc
        #[derive(clap::Subcommand, Debug)]
        pub enum #enum_name {
            #(#variants)*
        }

        impl #enum_name {
            /// Runs the command's call.
            pub fn run(self, client: &Clients) -> Result<Output, Error> {
                match self {
                    #(#arms)*
                }
            }
        }

        #(#structs)*
    }
}

fn gen_args(spec: &Spec, ep: &Endpoint, name: &Ident) -> TokenStream {
    let mut fields = Vec::new();
    for p in &ep.params {
        let field = ident(&p.rust);
        let help = doc(&help(spec, ep, p));
        let is_list = p.ty.list_item().is_some();
        let ty = rust_ty(&p.ty, Hand::Imported);
        let long = p.wire.to_kebab_case();
        let mut attrs = Vec::new();
        if p.positional {
            attrs.push(quote!(value_name = #long));
            if is_list {
                attrs.push(quote!(
                    required = true,
                    num_args = 1..,
                    value_delimiter = ','
                ));
            }
        } else {
            // A list flag goes by its singular (`--status`, what users type), with the wire's
            // name as an alias, so a message names the flag as it is usually written.
            match p.wire.strip_suffix("List").map(ToKebabCase::to_kebab_case) {
                Some(singular) => {
                    let value = singular.to_shouty_snake_case();
                    attrs
                        .push(quote!(long = #singular, visible_alias = #long, value_name = #value));
                }
                None => attrs.push(quote!(long = #long)),
            }
            if is_list {
                // A flag list may be empty (`pluginIds: []` is a valid render environment).
                attrs.push(quote!(value_delimiter = ',', num_args = 0..));
            }
            if p.json {
                attrs.push(quote!(
                    value_name = "JSON|@FILE|-",
                    value_parser = crate::input::json_text
                ));
            }
            if let Presence::Defaulted(value) = &p.presence {
                let text = match value {
                    DefaultValue::Str(s) => s.clone(),
                    DefaultValue::Int(n) => n.to_string(),
                    DefaultValue::Bool(b) => b.to_string(),
                    DefaultValue::Enum { code, .. } => code.to_string(),
                };
                attrs.push(quote!(default_value = #text));
            }
        }
        // An enum's names complete in the shell; its help lists them already.
        if let Some(Type::Enum(e)) = Some(p.ty.list_item().unwrap_or(&p.ty)) {
            let e = ident(e.name());
            attrs.push(quote!(
                value_parser = crate::input::enum_parser::<#e>(),
                hide_possible_values = true
            ));
        }
        // Required in every generation: clap requires it. Otherwise it is checked against the
        // generation chosen at run time. A frame selection that `--frames` sets is required
        // unless `--frames` is given.
        // The selection or --frames is required: checked when the call is made, in a message
        // that names both (clap would name the selection only).
        let selected_by_frames = by_number(ep).is_some_and(|b| b.select == p.wire);
        let field_ty = match (
            !selected_by_frames
                && (ep.required_everywhere(p) || matches!(p.presence, Presence::Defaulted(_))),
            is_list,
        ) {
            (false, false) => quote!(Option<#ty>),
            _ => ty,
        };
        fields.push(quote! {
            #help
            #[arg(#(#attrs),*)]
            pub #field: #field_ty,
        });
        if let Some(b) = &p.by_number {
            let ids = p.rust.as_str();
            let select = b.select.to_snake_case();
            let help = doc(&format!(
                "Frames by their numbers instead of ids (`1-10[2],15`: ranges with a step, as the version 2 document writes them), mapped to ids from every frame of the task; sets --{} to {}",
                b.select.to_kebab_case(),
                b.value.to_kebab_case()
            ));
            fields.push(quote! {
                #help
                #[arg(long = "frames", value_name = "LIST", conflicts_with_all = [#ids, #select])]
                pub frames: Option<render_api_client::frames::FrameNumbers>,
            });
        }
    }
    if ep.pagination.is_some() {
        fields.push(quote! {
            /// Every page, one call after another from --page-num on (at --page-size a
            /// page), printed as one list
            #[arg(long)]
            pub all: bool,
        });
    }
    let arms = spec.generation_ids().map(|g| {
        let marker = generation_ident(spec, g);
        let version = &spec.generation(g).version;
        if ep.path_in(g).is_none() {
            let what = format!(
                "API {version} has no such call (use --api-version {})",
                ep.generations()
                    .map(|h| spec.generation(h).name.trim_start_matches('v').to_owned())
                    .collect::<Vec<_>>()
                    .join(" or ")
            );
            let endpoint = &ep.name;
            return quote! {
                Clients::#marker(_) => Err(Error::Unsupported {
                    endpoint: #endpoint,
                    api: ApiVersion::#marker,
                    what: #what.to_owned(),
                }),
            };
        }
        arm(ep, g, &marker)
    });
    let d = doc(&format!(
        "Arguments of `renderbus {} {}`.",
        ep.cli.group, ep.cli.command
    ));
    let run_doc = doc(&format!("Calls `{}` with these arguments.", ep.name));
    // Frames by number: mapped to ids (every frame of the task) before the call.
    let (binding, frames) = match ep
        .params
        .iter()
        .find_map(|p| p.by_number.as_ref().map(|b| (p, b)))
    {
        Some((p, b)) => {
            let ids = ident(&p.rust);
            let task = ep
                .params
                .iter()
                .find(|q| q.wire == b.task)
                .map(|q| ident(&q.rust));
            let select = ep
                .params
                .iter()
                .find(|q| q.wire == b.select)
                .map(|q| (ident(&q.rust), rust_ty(&q.ty, Hand::Imported)));
            let value = ident(&b.value);
            let (Some(task), Some((select, select_ty))) = (task, select) else {
                // The lint checked both exist.
                return quote!(compile_error!("by_number names a parameter the endpoint lacks"););
            };
            (
                quote!(mut self),
                quote! {
                    if let Some(numbers) = self.frames.take() {
                        let ids = match client {
                            Clients::V1(c) => c.frame_ids(self.#task, &numbers)?,
                            Clients::V2(c) => c.frame_ids(self.#task, &numbers)?,
                        };
                        self.#ids = ids.into_values().collect();
                        self.#select = Some(#select_ty::#value);
                    }
                },
            )
        }
        None => (quote!(self), quote!()),
    };
    quote! {
        #d
        #[derive(clap::Args, Debug)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #run_doc
            pub fn run(#binding, client: &Clients) -> Result<Output, Error> {
                #frames
                match client {
                    #(#arms)*
                }
            }
        }
    }
}

/// The call in generation `g`: its required parameters (checked when clap could not), then
/// its setters; a parameter given that the generation lacks is refused before anything is
/// sent.
fn arm(ep: &Endpoint, g: render_spec::GenId, marker: &Ident) -> TokenStream {
    let method = method_ident(ep);
    let endpoint = &ep.name;
    let mut checks = Vec::new();
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for p in &ep.params {
        let field = ident(&p.rust);
        let flag = format!("--{}", p.wire.to_kebab_case());
        let is_list = p.ty.list_item().is_some();
        let given = if is_list {
            quote!(!self.#field.is_empty())
        } else {
            quote!(self.#field.is_some())
        };
        if !p.exists_in(g) {
            let what = format!("{flag} is not a parameter of this call in this generation");
            checks.push(quote! {
                if #given {
                    return Err(Error::Unsupported { endpoint: #endpoint, api: ApiVersion::#marker, what: #what.to_owned() });
                }
            });
            continue;
        }
        let here = p.required_in(g);
        if by_number(ep).is_some_and(|b| b.select == p.wire) {
            let what = format!(
                "no frames chosen: give {flag} all (every frame), {flag} listed with --ids, or --frames LIST (by number)"
            );
            checks.push(quote! {
                let Some(#field) = self.#field else {
                    return Err(Error::Unsupported { endpoint: #endpoint, api: ApiVersion::#marker, what: #what.to_owned() });
                };
            });
            args.push(quote!(#field));
            continue;
        }
        match (&p.presence, ep.required_everywhere(p), is_list) {
            (Presence::Required, true, _) => args.push(quote!(self.#field)),
            (Presence::Required, false, false) if here => {
                let what = format!("{flag} is required in this generation");
                checks.push(quote! {
                    let Some(#field) = self.#field else {
                        return Err(Error::Unsupported { endpoint: #endpoint, api: ApiVersion::#marker, what: #what.to_owned() });
                    };
                });
                args.push(quote!(#field));
            }
            (Presence::Required, false, true) if here => args.push(quote!(self.#field)),
            (Presence::Defaulted(_), _, _) => {
                setters.push(quote! { call = call.#field(self.#field); });
            }
            (Presence::Optional | Presence::Required, _, true) => setters.push(quote! {
                if !self.#field.is_empty() {
                    call = call.#field(self.#field);
                }
            }),
            (Presence::Optional | Presence::Required, _, false) => setters.push(quote! {
                if let Some(value) = self.#field {
                    call = call.#field(value);
                }
            }),
        }
    }
    let binding = if setters.is_empty() {
        quote!(let call)
    } else {
        quote!(let mut call)
    };
    // A write prints what it did, for scripts: the call, its request and the service's
    // acknowledgement. A read prints the reply's data as the service sent it (read into its
    // typed response first, so a reply that does not fit is an error) and tables from the
    // typed value.
    let finish = if ep.response == render_spec::Type::Ack {
        let name = &ep.name;
        quote! {
            let request = serde_json::to_value(call.request()).unwrap_or_default();
            call.send_with_reply().map(|r| Output::written(#name, request, &r.reply))
        }
    } else if ep.pagination.is_some() {
        quote! {
            if all {
                return call.items().collect::<Result<Vec<_>, Error>>().map(|items| Output::new(&items));
            }
            call.send_with_reply().map(|r| Output::replied(&r))
        }
    } else {
        quote!(call.send_with_reply().map(|r| Output::replied(&r)))
    };
    let all = ep.pagination.is_some().then(|| quote!(let all = self.all;));
    quote! {
        Clients::#marker(client) => {
            #all
            #(#checks)*
            #binding = client.#method(#(#args),*);
            #(#setters)*
            #finish
        }
    }
}

/// The clients of every generation, one of which a command runs on.
fn gen_clients(spec: &Spec) -> TokenStream {
    let variants = spec.generation_ids().map(|g| {
        let marker = generation_ident(spec, g);
        let d = doc(&format!("A client of API {}.", spec.generation(g).version));
        quote!(#d #marker(Client<#marker>),)
    });
    quote! {
        /// A client of the API generation chosen on the command line.
        #[derive(Debug, Clone)]
        pub enum Clients {
            #(#variants)*
        }
    }
}

/// The help text of a parameter: the spec's description, unit and, for enums, the values.
fn help(spec: &Spec, ep: &Endpoint, p: &Param) -> String {
    let mut text = format!("{} ({})", p.doc.en.trim_end_matches('.'), p.doc.zh);
    if let Some(g) = p.only {
        text.push_str(&format!(" [API {} only]", spec.generation(g).version));
    }
    if p.is_required() && !ep.required_everywhere(p) {
        let gens: Vec<&str> = ep
            .generations()
            .filter(|g| p.required_in(*g))
            .map(|g| spec.generation(g).version.as_str())
            .collect();
        text.push_str(&format!(" [required in API {}]", gens.join(", ")));
    }
    if let Some(unit) = &p.unit {
        text.push_str(&format!(" — in {unit}"));
    }
    if let Type::Enum(e) = p.ty.list_item().unwrap_or(&p.ty) {
        let values: Vec<String> = spec
            .enum_(e)
            .values
            .iter()
            .map(|v| v.name.to_kebab_case())
            .collect();
        text.push_str(&format!(
            " [values: {}, or a numeric code]",
            values.join(", ")
        ));
    }
    if p.ty.list_item().is_some() {
        text.push_str(" [several: comma- or space-separated]");
    }
    if p.json {
        text.push_str(" (JSON text; @FILE reads a file, - reads stdin)");
    }
    text
}

/// How a field shows in a table cell, or `None` when it has no place in one (nested objects,
/// free JSON): enums by name, times as dates, lists of scalars joined, lists of objects counted.
fn cell(ty: &Type, nullable: bool, access: TokenStream) -> Option<TokenStream> {
    // `v` is the value (a reference when nullable); `by_ref` is it as a reference, `copied`
    // as a value.
    let show = |v: TokenStream, by_ref: TokenStream, copied: TokenStream| -> Option<TokenStream> {
        Some(match ty {
            Type::Int | Type::Str | Type::Text | Type::Bool | Type::Decimal | Type::Enum(_) => {
                quote!(#v.to_string())
            }
            Type::EpochMs => quote!(crate::output::date(#copied)),
            Type::List(item) if matches!(**item, Type::Model(_) | Type::List(_) | Type::Json) => {
                quote!(crate::output::count(#v.len()))
            }
            Type::List(_) => quote!(crate::output::joined(#by_ref)),
            Type::Json | Type::Ack | Type::Page(_) | Type::Model(_) => return None,
        })
    };
    Some(if nullable {
        let inner = show(quote!(v), quote!(v), quote!(*v))?;
        quote!(#access.as_ref().map(|v| #inner).unwrap_or_default())
    } else {
        show(access.clone(), quote!(&#access), access.clone())?
    })
}

fn gen_row(m: &Model) -> TokenStream {
    let name = ident(&m.name);
    let mut headers = Vec::new();
    let mut cells = Vec::new();
    // Where each field landed among the cells, for the spec's columns.
    let mut position = vec![None; m.fields.len()];
    for (i, f) in m.fields.iter().enumerate().filter(|(_, f)| !f.secret) {
        let id = ident(&f.rust);
        if let Some(c) = cell(&f.ty, f.nullable, quote!(self.#id)) {
            position[i] = Some(headers.len());
            headers.push(f.wire.as_str());
            cells.push(c);
        }
    }
    let columns = m.columns.iter().filter_map(|&i| position[i]);
    // A model that only wraps a list of models (the label list) shows as that list's table.
    let show = match m.fields.as_slice() {
        [only] if matches!(only.ty.list_item(), Some(Type::Model(_))) => {
            let id = ident(&only.rust);
            if only.nullable {
                quote!(self.#id.as_deref().map(crate::output::rows).unwrap_or_default())
            } else {
                quote!(crate::output::rows(&self.#id))
            }
        }
        _ => quote!(crate::output::record(self)),
    };
    quote! {
        impl Row for #name {
            fn header() -> &'static [&'static str] {
                &[#(#headers),*]
            }
            fn cells(&self) -> Vec<String> {
                Vec::from([#(#cells),*])
            }
            const COLUMNS: &'static [usize] = &[#(#columns),*];
        }

        impl Show for #name {
            fn table(&self) -> String {
                #show
            }
        }
    }
}

/// The endpoint's frame ids given by number, if it takes any.
fn by_number(ep: &Endpoint) -> Option<&render_spec::ByNumber> {
    ep.params.iter().find_map(|p| p.by_number.as_ref())
}

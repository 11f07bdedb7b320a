//! Generates `render-api-types`: enums, models, requests, endpoint descriptors, and the
//! server side of the contract (the `Service` trait and its dispatcher).

use heck::{ToKebabCase, ToLowerCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use render_spec::{
    Code, Endpoint, Enum, Field, Is, ItemsAt, Model, Param, Presence, ReadBack, Repr, Spec, Type,
};

use crate::gen_common::{
    Hand, default_expr, doc, endpoint_ident, generation_ident, ident, notes, param_input,
    paths_text, request_ident, ty_note, unit_note,
};

/// The generated files of the types crate, relative to the crate's `src/generated/`.
pub fn generate(spec: &Spec) -> Vec<(&'static str, TokenStream)> {
    let enums = spec.enums.iter().map(gen_enum);
    let models = spec.models.iter().map(gen_model);
    let requests = spec.endpoints.iter().map(|ep| gen_request(spec, ep));
    vec![
        (
            "mod.rs",
            quote! {
                //! Generated from `api-spec.yaml`: enums, models, requests, endpoints and the
                //! server side of the contract.
                mod endpoints;
                mod enums;
                mod generations;
                mod models;
                mod requests;
                mod service;
                pub use endpoints::*;
                pub use enums::*;
                pub use generations::*;
                pub use models::*;
                pub use requests::*;
                pub use service::*;
            },
        ),
        (
            "enums.rs",
            quote! {
                //! Coded values: every enum accepts codes it does not know as `Unknown`.
                use serde::{Deserialize, Deserializer, Serialize, Serializer};
                #(#enums)*
            },
        ),
        (
            "models.rs",
            quote! {
                //! Response objects.
                use serde::{Deserialize, Serialize};
                use super::enums::*;
                #(#models)*
            },
        ),
        (
            "requests.rs",
            quote! {
                //! Request bodies: required parameters go to `new`, the others to setters.
                use serde::{Deserialize, Serialize};
                use super::enums::*;
                #(#requests)*
            },
        ),
        ("endpoints.rs", gen_endpoints(spec)),
        ("generations.rs", gen_generations(spec)),
        ("service.rs", gen_service(spec)),
    ]
}

fn rust_ty(ty: &Type) -> TokenStream {
    crate::gen_common::rust_ty(ty, Hand::Crate)
}

fn gen_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let type_doc = doc(&format!(
        "{}\n\n{}\n\nOn the wire: {}. Codes this SDK does not know are kept as `Unknown` and sent back unchanged.",
        e.doc.zh,
        e.doc.en,
        match e.repr {
            Repr::Integer => "an integer code",
            Repr::String => "a string code",
        }
    ));
    let variants: Vec<Ident> = e.values.iter().map(|v| ident(&v.name)).collect();
    let kebab: Vec<String> = e.values.iter().map(|v| v.name.to_kebab_case()).collect();
    let ens: Vec<&str> = e.values.iter().map(|v| v.doc.en.as_str()).collect();
    let zhs: Vec<&str> = e.values.iter().map(|v| v.doc.zh.as_str()).collect();
    let variant_docs = e
        .values
        .iter()
        .map(|v| doc(&format!("`{}` — {}: {}", v.code, v.doc.zh, v.doc.en)));
    let terminal: Vec<&Ident> = e
        .values
        .iter()
        .zip(&variants)
        .filter(|(v, _)| v.terminal)
        .map(|(_, id)| id)
        .collect();
    let is_terminal = (!terminal.is_empty()).then(|| {
        quote! {
            /// Whether this is a final state: nothing changes by itself after it.
            pub const fn is_terminal(&self) -> bool {
                matches!(self, #(Self::#terminal)|*)
            }
        }
    });
    let type_name = &e.name;
    let codes: Vec<String> = e.values.iter().map(|v| v.code.to_string()).collect();

    // What differs between integer and string codes; everything else is shared below.
    let (copy, unknown_ty, code_fns, serialize, deserialize) = match e.repr {
        Repr::Integer => {
            // The codes as the model holds them: integers (the lint refuses a text code in an
            // integer enum; one that got through would not compile, never become a 0).
            let lits: Vec<TokenStream> = e
                .values
                .iter()
                .map(|v| match &v.code {
                    Code::Int(n) => quote!(#n),
                    Code::Str(s) => quote!(#s),
                })
                .collect();
            (
                quote!(Copy,),
                quote!(i64),
                quote! {
                    /// The wire code.
                    pub const fn code(&self) -> i64 {
                        match self {
                            #( Self::#variants => #lits, )*
                            Self::Unknown(code) => *code,
                        }
                    }

                    /// The value of a wire code; codes this SDK does not know become `Unknown`.
                    pub const fn from_code(code: i64) -> Self {
                        match code {
                            #( #lits => Self::#variants, )*
                            other => Self::Unknown(other),
                        }
                    }
                },
                quote!(serializer.serialize_i64(self.code())),
                quote!(crate::wire::int_code(deserializer).map(Self::from_code)),
            )
        }
        Repr::String => (
            quote!(),
            quote!(String),
            quote! {
                /// The wire code.
                pub fn code(&self) -> &str {
                    match self {
                        #( Self::#variants => #codes, )*
                        Self::Unknown(code) => code,
                    }
                }

                /// The value of a wire code; codes this SDK does not know become `Unknown`.
                pub fn from_code(code: &str) -> Self {
                    match code {
                        #( #codes => Self::#variants, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            },
            quote!(serializer.serialize_str(self.code())),
            quote!(crate::wire::string_or_number(deserializer).map(|code| Self::from_code(&code))),
        ),
    };

    quote! {
        #type_doc
        #[derive(Debug, Clone, #copy PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A code this SDK does not know (build it with `from_code`).
            Unknown(#unknown_ty),
        }

        impl #name {
            #code_fns

            #is_terminal
        }

        impl crate::CodedEnum for #name {
            const TYPE_NAME: &'static str = #type_name;
            const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            fn name(&self) -> Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#kebab), )*
                    Self::Unknown(_) => None,
                }
            }

            fn meaning_en(&self) -> Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#ens), )*
                    Self::Unknown(_) => None,
                }
            }

            fn meaning_zh(&self) -> Option<&'static str> {
                match self {
                    #( Self::#variants => Some(#zhs), )*
                    Self::Unknown(_) => None,
                }
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::wire::display_enum(self, f)
            }
        }

        impl std::str::FromStr for #name {
            type Err = crate::ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                crate::parse_enum(s)
            }
        }
    }
}

/// The serde attributes of a field or parameter.
/// `request`: a request's parameter (else a reply's field); `digits`: an `int` is read from a
/// string of digits too (every request parameter, since servers read both; a model field
/// marked `tolerant`).
fn serde_attrs(
    wire: &str,
    rust: &str,
    ty: &Type,
    optional: bool,
    request: bool,
    digits: bool,
) -> TokenStream {
    let mut parts = Vec::new();
    if rust.to_lower_camel_case() != wire {
        parts.push(quote!(rename = #wire));
    }
    if optional {
        parts.push(quote!(default));
        // A request leaves out what the caller did not give; a reply's field that is null is
        // written as null, as the service sends it (the farm's replies, `renderbus` output).
        if request {
            parts.push(quote!(skip_serializing_if = "Option::is_none"));
        }
    }
    if *ty == Type::Text {
        let f = if optional {
            "crate::wire::option_string_or_number"
        } else {
            "crate::wire::string_or_number"
        };
        parts.push(quote!(deserialize_with = #f));
    }
    // Servers read integer parameters from numeric strings too (clients send both); a
    // tolerant field's sources give both forms.
    if digits && *ty == Type::Int {
        let f = if optional {
            "crate::wire::option_int_code"
        } else {
            "crate::wire::int_code"
        };
        parts.push(quote!(deserialize_with = #f));
    }
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#parts),*)])
    }
}

fn gen_model(m: &Model) -> TokenStream {
    let name = ident(&m.name);
    let type_doc = doc(&format!("{}\n\n{}{}", m.doc.zh, m.doc.en, notes(&m.notes)));
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let has_secret = m.fields.iter().any(|f| f.secret);
    for f in &m.fields {
        let fid = ident(&f.rust);
        let base = rust_ty(&f.ty);
        let ty = if f.nullable {
            quote!(Option<#base>)
        } else {
            base
        };
        let attrs = serde_attrs(&f.wire, &f.rust, &f.ty, f.nullable, false, f.tolerant);
        let fdoc = field_doc(f);
        fields.push(quote! { #fdoc #attrs pub #fid: #ty, });
        let label = &f.rust;
        debug_fields.push(if f.secret {
            quote! { .field(#label, &format_args!("{}", crate::REDACTED)) }
        } else {
            quote! { .field(#label, &self.#fid) }
        });
    }
    debug_fields.push(quote! { .field("extra", &self.extra) });
    let derive_debug = if has_secret { quote!() } else { quote!(Debug,) };
    let debug_impl = has_secret.then(|| {
        let type_name = &m.name;
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name) #(#debug_fields)* .finish()
                }
            }
        }
    });
    quote! {
        #type_doc
        #[derive(#derive_debug Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct #name {
            #(#fields)*
            /// The fields the service sent that the spec does not know, as sent.
            #[serde(flatten)]
            pub extra: crate::Extra,
        }
        #debug_impl
    }
}

fn field_doc(f: &Field) -> TokenStream {
    let secret = if f.secret {
        " Secret: `Debug` does not show it."
    } else {
        ""
    };
    doc(&format!(
        "{} — {}\n\nWire name: `{}`.{}{}{secret}{}",
        f.doc.zh,
        f.doc.en,
        f.wire,
        ty_note(&f.ty),
        unit_note(&f.unit),
        notes(&f.notes)
    ))
}

fn gen_request(spec: &Spec, ep: &Endpoint) -> TokenStream {
    let name = request_ident(ep);
    let endpoint = endpoint_ident(ep);
    let type_doc = doc(&format!(
        "The body of [`{endpoint}`](crate::{endpoint}): {} — {}\n\nBuild it with `new` (the required parameters) and the setters (the others).",
        ep.doc.zh, ep.doc.en
    ));
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    let mut defaults = Vec::new();
    for p in &ep.params {
        let fid = ident(&p.rust);
        let base = rust_ty(&p.ty);
        let optional = ep.is_optional_field(p);
        let ty = if optional {
            quote!(Option<#base>)
        } else {
            base
        };
        let mut attrs = serde_attrs(&p.wire, &p.rust, &p.ty, optional, true, true);
        if let Presence::Defaulted(default) = &p.presence {
            // Absent from a body, it takes its default: what the sources say the service does.
            let f = format_ident!("default_{}", p.rust);
            let path = format!("{name}::{f}");
            let value = default_expr(default);
            attrs.extend(quote!(#[serde(default = #path)]));
            defaults.push(quote! {
                fn #f() -> #ty {
                    #value
                }
            });
        }
        for alias in &p.aliases {
            attrs.extend(quote!(#[serde(alias = #alias)]));
        }
        let pdoc = param_doc(spec, ep, p);
        fields.push(quote! { #pdoc #attrs pub #fid: #ty, });
        let (input, value) = param_input(p, Hand::Crate);
        let sdoc = doc(&format!("Sets `{}`: {} — {}", p.wire, p.doc.zh, p.doc.en));
        match (&p.presence, optional) {
            // Optional, or required in some generations only: an `Option` and a setter.
            (Presence::Optional, _) | (Presence::Required, true) => {
                new_inits.push(quote!(#fid: None));
                setters.push(quote! {
                    #sdoc
                    #[must_use]
                    pub fn #fid(mut self, #fid: #input) -> Self {
                        self.#fid = Some(#value);
                        self
                    }
                });
            }
            (Presence::Required, false) => {
                new_args.push(quote!(#fid: #input));
                new_inits.push(if fid == value.to_string() {
                    quote!(#fid)
                } else {
                    quote!(#fid: #value)
                });
            }
            (Presence::Defaulted(default), _) => {
                let default = default_expr(default);
                new_inits.push(quote!(#fid: #default));
                setters.push(quote! {
                    #sdoc
                    #[must_use]
                    pub fn #fid(mut self, #fid: #input) -> Self {
                        self.#fid = #value;
                        self
                    }
                });
            }
        }
    }
    let required: Vec<String> = ep.required().map(|p| format!("`{}`", p.wire)).collect();
    let new_doc = doc(&if required.is_empty() {
        "A request; this call has no required parameters.".to_owned()
    } else {
        format!(
            "A request with its required parameters: {}.",
            required.join(", ")
        )
    });
    let default_impl = required.is_empty().then(|| {
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        #type_doc
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new_doc
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits),* }
            }

            #(#setters)*

            #(#defaults)*
        }

        #default_impl
    }
}

fn param_doc(spec: &Spec, ep: &Endpoint, p: &Param) -> TokenStream {
    let presence = match &p.presence {
        Presence::Required if ep.required_everywhere(p) => "Required.".to_owned(),
        Presence::Required => {
            "Required in some generations (see each generation's method).".to_owned()
        }
        Presence::Optional => "Optional.".to_owned(),
        Presence::Defaulted(v) => format!("Default: `{v}`."),
    };
    let only = p
        .only
        .map(|g| format!(" Only in API {}.", spec.generation(g).version))
        .unwrap_or_default();
    let aliases = if p.aliases.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = p.aliases.iter().map(|a| format!("`{a}`")).collect();
        format!(" Also accepted as {}.", list.join(", "))
    };
    doc(&format!(
        "{} — {}\n\nWire name: `{}`. {presence}{only}{aliases}{}{}{}",
        p.doc.zh,
        p.doc.en,
        p.wire,
        ty_note(&p.ty),
        unit_note(&p.unit),
        notes(&p.notes)
    ))
}

fn endpoint_doc(spec: &Spec, ep: &Endpoint) -> String {
    let kind = crate::gen_common::retry_note(ep);
    let source = ep
        .source
        .as_ref()
        .map(|s| format!("\n\nNot in the API document; described by {s}."))
        .unwrap_or_default();
    let secret = if ep.secret {
        "\n\nThe reply carries a secret: the SDK never logs it."
    } else {
        ""
    };
    format!(
        "`{}` — {}: {}\n\n{}.\n\n{kind}{source}{secret}{}",
        ep.name,
        ep.doc.zh,
        ep.doc.en,
        paths_text(spec, ep),
        notes(&ep.notes)
    )
}

fn gen_endpoints(spec: &Spec) -> TokenStream {
    let mut items = Vec::new();
    let mut infos = Vec::new();
    let mut visits = Vec::new();
    let mut paginated = Vec::new();
    for ep in &spec.endpoints {
        let name = endpoint_ident(ep);
        let request = request_ident(ep);
        let response = rust_ty(&ep.response);
        let wire = &ep.name;
        let idempotent = ep.idempotent;
        let secret = ep.secret;
        let paths: Vec<TokenStream> = ep
            .paths
            .iter()
            .map(|(g, path)| {
                let version = generation_ident(spec, *g);
                quote!((crate::ApiVersion::#version, #path))
            })
            .collect();
        // One arm per generation of the spec (none sent where the call does not exist), so the
        // match is exhaustive.
        let always_arms: Vec<TokenStream> = spec
            .generation_ids()
            .map(|g| {
                let version = generation_ident(spec, g);
                let names: Vec<&str> = ep
                    .params
                    .iter()
                    .filter(|p| ep.path_in(g).is_some() && p.required_in(g))
                    .map(|p| p.wire.as_str())
                    .collect();
                quote!(crate::ApiVersion::#version => &[#(#names),*],)
            })
            .collect();
        let limited: Vec<TokenStream> = ep
            .params
            .iter()
            .filter_map(|p| {
                let g = p.only?;
                let version = generation_ident(spec, g);
                let wire = &p.wire;
                Some(quote!((#wire, crate::ApiVersion::#version)))
            })
            .collect();
        let aliases: Vec<TokenStream> = ep
            .params
            .iter()
            .flat_map(|p| {
                let wire = &p.wire;
                p.aliases.iter().map(move |a| quote!((#a, #wire)))
            })
            .collect();
        let sent_as: Vec<TokenStream> = ep
            .params
            .iter()
            .flat_map(|p| {
                let wire = &p.wire;
                p.sent_as.iter().map(move |(g, name)| {
                    let version = generation_ident(spec, *g);
                    quote!((crate::ApiVersion::#version, #wire, #name))
                })
            })
            .collect();
        let sent_as = (!sent_as.is_empty()).then(|| {
            quote!(const SENT_AS: &'static [(crate::ApiVersion, &'static str, &'static str)] = &[#(#sent_as),*];)
        });
        // What the examples show a write acknowledged with, per generation: the server side
        // answers the same.
        let acks: Vec<TokenStream> = if ep.response == Type::Ack {
            ep.examples
                .iter()
                .filter_map(|x| {
                    let data = x.reply_data().filter(|d| !d.is_null())?;
                    let version = generation_ident(spec, x.generation);
                    let text = data.to_string();
                    Some(quote!((crate::ApiVersion::#version, #text)))
                })
                .collect()
        } else {
            Vec::new()
        };
        let read_back = read_back_tokens(spec, ep);
        let d = doc(&endpoint_doc(spec, ep));
        items.push(quote! {
            #d
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            pub struct #name;

            impl crate::Endpoint for #name {
                const NAME: &'static str = #wire;
                const PATHS: &'static [(crate::ApiVersion, &'static str)] = &[#(#paths),*];
                const IDEMPOTENT: bool = #idempotent;
                const SECRET_RESPONSE: bool = #secret;
                const LIMITED: &'static [(&'static str, crate::ApiVersion)] = &[#(#limited),*];
                const ALIASES: &'static [(&'static str, &'static str)] = &[#(#aliases),*];
                #sent_as
                const ACK_DATA: &'static [(crate::ApiVersion, &'static str)] = &[#(#acks),*];
                const READ_BACK: Option<&'static crate::ReadBack> = #read_back;
                type Request = #request;
                type Response = #response;

                fn required(api: crate::ApiVersion) -> &'static [&'static str] {
                    match api {
                        #(#always_arms)*
                    }
                }
            }
        });
        if let Some(pages) = &ep.pagination {
            paginated.push(quote!(visitor.visit::<#name>();));
            let item = rust_ty(&pages.item);
            items.push(quote! {
                impl crate::Paginated for #name {
                    type Item = #item;
                    fn page_num(request: &Self::Request) -> i64 {
                        request.page_num
                    }
                    fn set_page_num(request: &mut Self::Request, page_num: i64) {
                        request.page_num = page_num;
                    }
                    fn page_size(request: &Self::Request) -> i64 {
                        request.page_size
                    }
                }
            });
        }
        let zh = &ep.doc.zh;
        let en = &ep.doc.en;
        infos.push(quote! {
            crate::EndpointInfo {
                name: #wire,
                paths: &[#(#paths),*],
                idempotent: #idempotent,
                secret_response: #secret,
                summary_zh: #zh,
                summary_en: #en,
            }
        });
        visits.push(quote!(visitor.visit::<#name>();));
    }
    let imports = uses(spec);
    quote! {
        //! One zero-sized descriptor per endpoint, the endpoint table, and a visitor over all.
        #imports
        use super::requests::*;

        #(#items)*

        /// Every endpoint of the spec, in the spec's order.
        pub const ENDPOINTS: &[crate::EndpointInfo] = &[#(#infos),*];

        /// Calls `visitor.visit::<E>()` for every endpoint `E`, in the spec's order.
        pub fn visit_endpoints<V: crate::EndpointVisitor>(visitor: &mut V) {
            #(#visits)*
        }

        /// Calls `visitor.visit::<E>()` for every paginated endpoint `E`, in the spec's order.
        pub fn visit_paginated<V: crate::PaginatedVisitor>(visitor: &mut V) {
            #(#paginated)*
        }
    }
}

/// `use super::enums::*` and `use super::models::*` where responses name them.
fn uses(spec: &Spec) -> TokenStream {
    let (mut enums, mut models) = (false, false);
    for ep in &spec.endpoints {
        for r in ep.response.refs() {
            match r {
                render_spec::Ref::Enum(_) => enums = true,
                render_spec::Ref::Model(_) => models = true,
            }
        }
    }
    let enums = enums.then(|| {
        quote!(
            use super::enums::*;
        )
    });
    let models = models.then(|| {
        quote!(
            use super::models::*;
        )
    });
    quote!(#enums #models)
}

fn gen_service(spec: &Spec) -> TokenStream {
    let endpoints: Vec<Ident> = spec.endpoints.iter().map(endpoint_ident).collect();
    let count = endpoints.len();
    quote! {
        //! The server side of the contract: a server answers every endpoint, and the routes
        //! take each request to its endpoint.
        use super::endpoints::*;

        /// A server of this API: it answers every endpoint ([`Handle`](crate::Handle) of each).
        /// Implemented for every type that does; serve it with a [`Router`](crate::Router).
        pub trait Service: #(crate::Handle<#endpoints>)+* {}

        impl<S: ?Sized + #(crate::Handle<#endpoints>)+*> Service for S {}

        /// The route of every endpoint, served by `S`, in the spec's order.
        pub fn routes<S: Service + ?Sized>() -> [crate::Route<S>; #count] {
            [#(crate::Route::of::<#endpoints>()),*]
        }
    }
}

fn gen_generations(spec: &Spec) -> TokenStream {
    let variants: Vec<Ident> = spec
        .generation_ids()
        .map(|g| generation_ident(spec, g))
        .collect();
    let versions: Vec<&str> = spec
        .generations
        .iter()
        .map(|g| g.version.as_str())
        .collect();
    let names: Vec<&str> = spec.generations.iter().map(|g| g.name.as_str()).collect();
    let docs: Vec<TokenStream> = spec
        .generations
        .iter()
        .map(|g| {
            doc(&format!(
                "{} — {}\n\nThe `version` header: `{}`.",
                g.doc.zh, g.doc.en, g.version
            ))
        })
        .collect();
    let latest = variants.last().cloned();
    let last = variants.len().saturating_sub(1);
    let enum_variants = docs.iter().zip(&variants).enumerate().map(|(i, (d, v))| {
        let default = (i == last).then(|| quote!(#[default]));
        quote! { #d #default #v, }
    });
    let markers = spec.generations.iter().zip(&variants).map(|(g, v)| {
        let d = doc(&format!(
            "API {} at the type level: `Client<{v}>` has the methods of the endpoints this generation has, with its parameters.",
            g.version
        ));
        quote! {
            #d
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            pub struct #v;

            impl crate::Generation for #v {
                const API: ApiVersion = ApiVersion::#v;
            }
        }
    });
    quote! {
        //! The API generations: a value for run-time choices ([`ApiVersion`]) and a marker type
        //! per generation for compile-time ones.

        /// An API generation, spoken with its own paths and `version` header. The default is
        /// the newest.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub enum ApiVersion {
            #(#enum_variants)*
        }

        impl ApiVersion {
            /// Every generation, oldest first.
            pub const ALL: &'static [ApiVersion] = &[#(ApiVersion::#variants),*];

            /// The `version` header this generation is spoken with.
            pub const fn header(self) -> &'static str {
                match self {
                    #(ApiVersion::#variants => #versions,)*
                }
            }

            /// The generation's short name (`v1`).
            pub const fn name(self) -> &'static str {
                match self {
                    #(ApiVersion::#variants => #names,)*
                }
            }

            /// The generation a `version` header names.
            pub fn from_header(header: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.header() == header.trim())
            }

            /// The newest generation: what the service's own client speaks today.
            pub const LATEST: ApiVersion = ApiVersion::#latest;
        }

        #(#markers)*
    }
}

/// An endpoint's `READ_BACK`: the spec's read-back of a write, as data.
fn read_back_tokens(spec: &Spec, ep: &Endpoint) -> TokenStream {
    let Some(ReadBack::Read(rb)) = &ep.read_back else {
        return quote!(None);
    };
    let read = &rb.read;
    let paths = rb.paths.iter().map(|(g, path)| {
        let version = generation_ident(spec, *g);
        quote!((crate::ApiVersion::#version, #path))
    });
    let params = rb.params.iter().map(
        |(name, from, wrap)| quote!(crate::ReadParam { name: #name, from: #from, wrap: #wrap }),
    );
    let items = match &rb.items {
        ItemsAt::Page => quote!(crate::ItemsAt::Page),
        ItemsAt::List => quote!(crate::ItemsAt::List),
        ItemsAt::Field(f) => quote!(crate::ItemsAt::Field(#f)),
        ItemsAt::Whole => quote!(crate::ItemsAt::Whole),
    };
    let key = match &rb.key {
        Some((field, param)) => quote!(Some((#field, #param))),
        None => quote!(None),
    };
    let expect = if rb.present {
        quote!(crate::Expect::Present)
    } else {
        quote!(crate::Expect::Absent)
    };
    let checks = rb.checks.iter().map(|(field, is)| {
        let texts = |values: &[serde_json::Value]| -> Vec<String> {
            values.iter().map(|v| v.to_string()).collect()
        };
        let is = match is {
            Is::In(values) => {
                let t = texts(values);
                quote!(crate::Is::In(&[#(#t),*]))
            }
            Is::NotIn(values) => {
                let t = texts(values);
                quote!(crate::Is::NotIn(&[#(#t),*]))
            }
            Is::Param(p) => quote!(crate::Is::Param(#p)),
        };
        quote!(crate::Check { field: #field, is: #is })
    });
    quote! {
        Some(&crate::ReadBack {
            read: #read,
            paths: &[#(#paths),*],
            params: &[#(#params),*],
            items: #items,
            key: #key,
            expect: #expect,
            checks: &[#(#checks),*],
        })
    }
}

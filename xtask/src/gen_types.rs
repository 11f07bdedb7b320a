//! Generates `render-api-types`: enums, models, requests and endpoint descriptors.

use heck::{ToLowerCamelCase, ToPascalCase, ToSnakeCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::gen_common::{self, doc};
use crate::lint::Checked;
use crate::spec::{EndpointDef, EnumDef, FieldDef, ModelDef, ParamDef, Repr};
use crate::types::{self, Ty, TypeExpr};

/// The generated files of the types crate, relative to the crate's `src/generated/`.
pub fn generate(checked: &Checked<'_>) -> Vec<(&'static str, TokenStream)> {
    let spec = &checked.loaded.spec;
    let enums = spec.enums.iter().map(gen_enum);
    let models = spec.models.iter().map(gen_model);
    let requests = spec.endpoints.iter().map(|ep| gen_request(checked, ep));
    let endpoints = gen_endpoints(checked);
    vec![
        (
            "mod.rs",
            quote! {
                //! Generated from `api-spec.yaml`: enums, models, requests and endpoints.
                mod endpoints;
                mod enums;
                mod models;
                mod requests;
                pub use endpoints::*;
                pub use enums::*;
                pub use models::*;
                pub use requests::*;
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
                #[allow(unused_imports)]
                use super::enums::*;
                #(#models)*
            },
        ),
        (
            "requests.rs",
            quote! {
                //! Request bodies: required parameters go to `new`, optional ones to setters.
                use serde::{Deserialize, Serialize};
                #[allow(unused_imports)]
                use super::enums::*;
                #(#requests)*
            },
        ),
        ("endpoints.rs", endpoints),
    ]
}

fn zh_en(zh: &Option<String>, en: &Option<String>) -> (String, String) {
    (
        zh.clone().unwrap_or_default(),
        en.clone().unwrap_or_default(),
    )
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a spec type, inside the types crate.
fn rust_ty(ty: &Ty) -> TokenStream {
    gen_common::rust_ty(ty, &quote!(crate::))
}

fn unit_note(unit: &Option<String>) -> String {
    unit.as_ref()
        .map(|u| format!(" Unit: {u}."))
        .unwrap_or_default()
}

fn ty_note(ty: &Ty) -> &'static str {
    match ty {
        Ty::EpochMs => " Milliseconds since the Unix epoch.",
        Ty::Decimal => " Money, exact as a decimal.",
        Ty::Text => " Sent by the service as a string or a number.",
        _ => "",
    }
}

fn gen_enum(e: &EnumDef) -> TokenStream {
    let name = ident(&e.name);
    let (zh, en) = zh_en(&e.zh, &e.en);
    let type_doc = doc(&format!(
        "{zh}\n\n{en}\n\nOn the wire: {}. Codes this SDK does not know are kept as `Unknown` and sent back unchanged.",
        match e.repr {
            Repr::Integer => "an integer code",
            Repr::String => "a string code",
        }
    ));
    let variants: Vec<Ident> = e.values.iter().map(|v| ident(&v.name)).collect();
    let kebab: Vec<String> = e
        .values
        .iter()
        .map(|v| heck::ToKebabCase::to_kebab_case(v.name.as_str()))
        .collect();
    let ens: Vec<String> = e
        .values
        .iter()
        .map(|v| v.en.clone().unwrap_or_default())
        .collect();
    let zhs: Vec<String> = e
        .values
        .iter()
        .map(|v| v.zh.clone().unwrap_or_default())
        .collect();
    let codes: Vec<String> = e
        .values
        .iter()
        .map(|v| match &v.value {
            serde_yaml::Value::Number(n) => n.to_string(),
            serde_yaml::Value::String(s) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    let variant_docs = e.values.iter().zip(&codes).map(|(v, code)| {
        doc(&format!(
            "`{code}` — {}: {}",
            v.zh.clone().unwrap_or_default(),
            v.en.clone().unwrap_or_default()
        ))
    });
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

    // What differs between integer and string codes; everything else is shared below.
    let (
        copy,
        unknown_ty,
        code_fn,
        from_code_fn,
        wire_code,
        from_wire_text,
        serialize,
        deserialize,
    ) = match e.repr {
        Repr::Integer => {
            let lits: Vec<i64> = codes
                .iter()
                .map(|c| c.parse().unwrap_or_default())
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
                },
                quote! {
                    /// The value of a wire code; codes this SDK does not know become `Unknown`.
                    pub const fn from_code(code: i64) -> Self {
                        match code {
                            #( #lits => Self::#variants, )*
                            other => Self::Unknown(other),
                        }
                    }
                },
                quote!(self.code().to_string()),
                quote!(text.parse::<i64>().ok().map(Self::from_code)),
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
            },
            quote! {
                /// The value of a wire code; codes this SDK does not know become `Unknown`.
                pub fn from_code(code: &str) -> Self {
                    match code {
                        #( #codes => Self::#variants, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            },
            quote!(self.code().to_owned()),
            quote! {
                match Self::from_code(text) {
                    Self::Unknown(_) => None,
                    known => Some(known),
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
            /// Every known value, in the document's order.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            #code_fn

            #from_code_fn

            #is_terminal
        }

        impl crate::CodedEnum for #name {
            const TYPE_NAME: &'static str = #type_name;
            const KNOWN: &'static [Self] = Self::KNOWN;

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

            fn wire_code(&self) -> String {
                #wire_code
            }

            fn from_wire_text(text: &str) -> Option<Self> {
                #from_wire_text
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
fn serde_attrs(wire: &str, rust_name: &str, t: &TypeExpr, optional: bool) -> TokenStream {
    let mut parts = Vec::new();
    if rust_name.to_lower_camel_case() != wire {
        parts.push(quote!(rename = #wire));
    }
    if optional {
        parts.push(quote!(default));
        parts.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if t.ty == Ty::Text {
        let f = if optional {
            "crate::wire::option_string_or_number"
        } else {
            "crate::wire::string_or_number"
        };
        parts.push(quote!(deserialize_with = #f));
    }
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#parts),*)])
    }
}

fn rust_field_name(wire: &str, rust: &Option<String>) -> String {
    rust.clone().unwrap_or_else(|| wire.to_snake_case())
}

fn gen_model(m: &ModelDef) -> TokenStream {
    let name = ident(&m.name);
    let (zh, en) = zh_en(&m.zh, &m.en);
    let type_doc = doc(&format!("{zh}\n\n{en}"));
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let has_secret = m.fields.iter().any(|f| f.secret);
    for f in &m.fields {
        let t = types::parse(&f.ty).expect("linted");
        let rust_name = rust_field_name(&f.name, &f.rust);
        let fid = ident(&rust_name);
        let base = rust_ty(&t.ty);
        let ty = if t.nullable {
            quote!(Option<#base>)
        } else {
            base
        };
        let attrs = serde_attrs(&f.name, &rust_name, &t, t.nullable);
        let fdoc = field_doc(f, &t);
        fields.push(quote! { #fdoc #attrs pub #fid: #ty, });
        let label = &rust_name;
        debug_fields.push(if f.secret {
            quote! { .field(#label, &format_args!("{}", crate::REDACTED)) }
        } else {
            quote! { .field(#label, &self.#fid) }
        });
    }
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
        }
        #debug_impl
    }
}

fn field_doc(f: &FieldDef, t: &TypeExpr) -> TokenStream {
    let (zh, en) = zh_en(&f.zh, &f.en);
    let secret = if f.secret {
        " Secret: `Debug` does not show it."
    } else {
        ""
    };
    doc(&format!(
        "{zh} — {en}\n\nWire name: `{}`.{}{}{secret}",
        f.name,
        ty_note(&t.ty),
        unit_note(&f.unit)
    ))
}

/// How a parameter is taken by `new` and the setters, and how the value is stored: strings as
/// `impl Into<String>`, lists as `impl IntoIterator<Item = T>` (so a wrong element type is
/// reported as such), the rest as they are.
fn param_input(t: &Ty, id: &Ident) -> (TokenStream, TokenStream) {
    match t {
        Ty::Str | Ty::Text => (quote!(impl Into<String>), quote!(#id.into())),
        Ty::List(inner) => {
            let inner = rust_ty(inner);
            (
                quote!(impl IntoIterator<Item = #inner>),
                quote!(#id.into_iter().collect()),
            )
        }
        other => (rust_ty(other), quote!(#id)),
    }
}

fn endpoint_ident(ep: &EndpointDef) -> Ident {
    ident(&ep.name.to_pascal_case())
}

fn request_ident(ep: &EndpointDef) -> Ident {
    format_ident!("{}Request", ep.name.to_pascal_case())
}

fn gen_request(_checked: &Checked<'_>, ep: &EndpointDef) -> TokenStream {
    let name = request_ident(ep);
    let endpoint = endpoint_ident(ep);
    let (zh, en) = zh_en(&ep.zh, &ep.en);
    let type_doc = doc(&format!(
        "The body of [`{endpoint}`](crate::{endpoint}): {zh} — {en}\n\nBuild it with `new` (the required parameters) and the setters (the optional ones)."
    ));
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    for p in &ep.params {
        let t = types::parse(&p.ty).expect("linted");
        let rust_name = rust_field_name(&p.name, &p.rust);
        let fid = ident(&rust_name);
        let base = rust_ty(&t.ty);
        let optional = !p.required;
        let ty = if optional {
            quote!(Option<#base>)
        } else {
            base.clone()
        };
        let attrs = serde_attrs(&p.name, &rust_name, &t, optional);
        let pdoc = param_doc(p, &t);
        fields.push(quote! { #pdoc #attrs pub #fid: #ty, });
        let (input, value) = param_input(&t.ty, &fid);
        let init = if fid == value.to_string() {
            quote!(#fid)
        } else {
            quote!(#fid: #value)
        };
        if optional {
            new_inits.push(quote!(#fid: None));
            let sdoc = doc(&format!(
                "Sets `{}`: {} — {}",
                p.name,
                p.zh.clone().unwrap_or_default(),
                p.en.clone().unwrap_or_default()
            ));
            setters.push(quote! {
                #sdoc
                #[must_use]
                pub fn #fid(mut self, #fid: #input) -> Self {
                    self.#fid = Some(#value);
                    self
                }
            });
        } else {
            new_args.push(quote!(#fid: #input));
            new_inits.push(init);
        }
    }
    let args_doc = if ep.params.iter().any(|p| p.required) {
        let list: Vec<String> = ep
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("`{}`", p.name))
            .collect();
        format!(
            "A request with its required parameters: {}.",
            list.join(", ")
        )
    } else {
        "A request; this call has no required parameters.".to_owned()
    };
    let new_doc = doc(&args_doc);
    let default_impl = ep.params.iter().all(|p| !p.required).then(|| {
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
        }

        #default_impl
    }
}

fn param_doc(p: &ParamDef, t: &TypeExpr) -> TokenStream {
    let (zh, en) = zh_en(&p.zh, &p.en);
    let req = if p.required { "Required" } else { "Optional" };
    doc(&format!(
        "{zh} — {en}\n\nWire name: `{}`. {req}.{}{}",
        p.name,
        ty_note(&t.ty),
        unit_note(&p.unit)
    ))
}

fn gen_endpoints(checked: &Checked<'_>) -> TokenStream {
    let spec = &checked.loaded.spec;
    let mut items = Vec::new();
    let mut infos = Vec::new();
    let mut visits = Vec::new();
    for ep in &spec.endpoints {
        let name = endpoint_ident(ep);
        let request = request_ident(ep);
        let response_t = types::parse(&ep.response).expect("linted");
        let response = rust_ty(&response_t.ty);
        let (zh, en) = zh_en(&ep.zh, &ep.en);
        let wire = &ep.name;
        let path = &ep.path;
        let idempotent = ep.idempotent;
        let secret = ep.secret;
        let kind = if ep.idempotent {
            "a read: safe to retry"
        } else {
            "a write: not retried unless the caller opts in"
        };
        let source = ep
            .source
            .as_ref()
            .map(|s| format!("\n\nNot in the API document; described by {s}."))
            .unwrap_or_default();
        let secret_note = if ep.secret {
            "\n\nThe reply carries a secret: the SDK never logs it."
        } else {
            ""
        };
        let d = doc(&format!(
            "`{wire}` — {zh}: {en}\n\n`POST {path}`, {kind}.{source}{secret_note}"
        ));
        items.push(quote! {
            #d
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
            pub struct #name;

            impl crate::Endpoint for #name {
                const NAME: &'static str = #wire;
                const PATH: &'static str = #path;
                const IDEMPOTENT: bool = #idempotent;
                const SECRET_RESPONSE: bool = #secret;
                type Request = #request;
                type Response = #response;
            }
        });
        if let Ty::Page(item) = &response_t.ty {
            let has = |n: &str| ep.params.iter().any(|p| p.name == n && p.required);
            if has("pageNum") && has("pageSize") {
                let item = rust_ty(item);
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
        }
        let group = &ep.group;
        let command = &ep.command;
        infos.push(quote! {
            crate::EndpointInfo {
                name: #wire,
                path: #path,
                idempotent: #idempotent,
                secret_response: #secret,
                group: #group,
                command: #command,
                summary_zh: #zh,
                summary_en: #en,
            }
        });
        visits.push(quote!(visitor.visit::<#name>();));
    }
    quote! {
        //! One zero-sized descriptor per endpoint, the endpoint table, and a visitor over all.
        #[allow(unused_imports)]
        use super::enums::*;
        #[allow(unused_imports)]
        use super::models::*;
        use super::requests::*;

        #(#items)*

        /// Every endpoint of the spec, in the spec's order.
        pub const ENDPOINTS: &[crate::EndpointInfo] = &[#(#infos),*];

        /// Calls `visitor.visit::<E>()` for every endpoint `E`, in the spec's order.
        pub fn visit_endpoints<V: crate::EndpointVisitor>(visitor: &mut V) {
            #(#visits)*
        }
    }
}

//! Calls by wire name with a JSON request: `renderbus api NAME --body JSON`, `conform`, and
//! any tool that reads its calls from data. The JSON is read into the endpoint's typed request
//! (strictly: an unknown field or a wrong type is an error naming its JSON path, and nothing is
//! sent), and the reply is read into its typed response as every call's is.

use render_api_types::{ApiVersion, ENDPOINTS, Endpoint, EndpointVisitor, Generation};
use serde_json::Value;

use crate::client::Client;
use crate::error::Error;
use crate::sans_io::Replied;

/// Reads `body` into endpoint `E`'s typed request, strictly: a field the request does not have
/// (in generation `api`) or a value that does not fit is [`Error::Request`] with its JSON path.
/// Other names servers accept for a parameter (its aliases) are read as that parameter.
pub fn request_from_json<E: Endpoint>(api: ApiVersion, body: &Value) -> Result<E::Request, Error> {
    let fault = |path: String, message: String| Error::Request {
        endpoint: E::NAME,
        path,
        message,
    };
    let Value::Object(map) = body else {
        return Err(fault(
            "$".into(),
            format!("expected a JSON object, got {body}"),
        ));
    };
    let mut map = map.clone();
    E::unalias(&mut map);
    if let Some((name, only)) = E::LIMITED
        .iter()
        .find(|(name, only)| *only != api && map.contains_key(*name))
    {
        return Err(fault(
            format!("$.{name}"),
            format!("a parameter of API {} only", only.header()),
        ));
    }
    let mut unknown = Vec::new();
    let value = Value::Object(map);
    let request: E::Request = serde_ignored::deserialize(
        serde_path_to_error::Deserializer::new(&value, &mut serde_path_to_error::Track::new()),
        |path| unknown.push(path.to_string()),
    )
    .or_else(|_| {
        // Read again, tracking the path, only to say where it went wrong.
        serde_path_to_error::deserialize::<_, E::Request>(&value).map_err(|e| {
            let path = e.path().to_string();
            let at = if path == "." {
                "$".to_owned()
            } else {
                format!("$.{path}")
            };
            fault(at, e.into_inner().to_string())
        })
    })?;
    match unknown.first() {
        Some(path) => Err(fault(
            format!("$.{path}"),
            "no such parameter in this endpoint's request".into(),
        )),
        None => Ok(request),
    }
}

/// The endpoint names nearest to `name`, nearest first (at most three, and only near ones).
pub fn nearest_endpoints(name: &str) -> Vec<&'static str> {
    let wanted = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = ENDPOINTS
        .iter()
        .map(|e| {
            (
                strsim::levenshtein(&wanted, &e.name.to_ascii_lowercase()),
                e.name,
            )
        })
        .filter(|(d, n)| *d <= n.len().max(3) / 2 || n.to_ascii_lowercase().contains(&wanted))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Endpoint `E` with its reply's `data` read as any JSON: the same call on the wire, for tools
/// that check replies themselves (`renderbus conform`).
pub struct Untyped<E>(std::marker::PhantomData<fn() -> E>);

impl<E: Endpoint> Endpoint for Untyped<E> {
    const NAME: &'static str = E::NAME;
    const PATHS: &'static [(ApiVersion, &'static str)] = E::PATHS;
    const IDEMPOTENT: bool = E::IDEMPOTENT;
    const SECRET_RESPONSE: bool = E::SECRET_RESPONSE;
    const LIMITED: &'static [(&'static str, ApiVersion)] = E::LIMITED;
    const ALIASES: &'static [(&'static str, &'static str)] = E::ALIASES;
    const SENT_AS: &'static [(ApiVersion, &'static str, &'static str)] = E::SENT_AS;
    const ACK_DATA: &'static [(ApiVersion, &'static str)] = E::ACK_DATA;
    const READ_BACK: Option<&'static render_api_types::ReadBack> = E::READ_BACK;
    type Request = E::Request;
    type Response = Value;

    fn required(api: ApiVersion) -> &'static [&'static str] {
        E::required(api)
    }
}

impl<G: Generation> Client<G> {
    /// Calls the endpoint named `name` (its wire name, `getTaskList`) with `body` read into its
    /// typed request ([`request_from_json`]), and answers its typed response as JSON with the
    /// reply as received.
    ///
    /// An unknown name is [`Error::UnknownEndpoint`] (with the nearest names), a call of
    /// another generation [`Error::Unsupported`], a body that does not fit
    /// [`Error::Request`]: all before anything is sent.
    ///
    /// ```no_run
    /// # let client = render_api_client::Client::builder()
    /// #     .credentials(render_api_client::Credentials::new("id", "key")).build()?;
    /// let body = serde_json::json!({"pageNum": 1, "pageSize": 5});
    /// let replied = client.call_json("getTaskList", &body)?;
    /// println!("{}", replied.value["total"]);
    /// # Ok::<(), render_api_client::Error>(())
    /// ```
    pub fn call_json(&self, name: &str, body: &Value) -> Result<Replied<Value>, Error> {
        self.by_name(name, body, true)
    }

    /// Like [`call_json`](Self::call_json), but the reply's `data` is not read into the typed
    /// response: any JSON is accepted (the value is the `data` as sent), for a caller that checks
    /// replies itself. The request is still read strictly.
    pub fn call_json_unchecked(&self, name: &str, body: &Value) -> Result<Replied<Value>, Error> {
        self.by_name(name, body, false)
    }

    fn by_name(&self, name: &str, body: &Value, typed: bool) -> Result<Replied<Value>, Error> {
        struct ByName<'a, G: Generation> {
            client: &'a Client<G>,
            name: &'a str,
            body: &'a Value,
            typed: bool,
            result: Option<Result<Replied<Value>, Error>>,
        }
        impl<G: Generation> EndpointVisitor for ByName<'_, G> {
            fn visit<E: Endpoint>(&mut self) {
                if E::NAME != self.name || self.result.is_some() {
                    return;
                }
                self.result = Some(if self.typed {
                    self.call::<E>()
                } else {
                    self.call::<Untyped<E>>()
                });
            }
        }
        impl<G: Generation> ByName<'_, G> {
            fn call<E: Endpoint>(&self) -> Result<Replied<Value>, Error> {
                if E::path(G::API).is_none() {
                    return Err(Error::Unsupported {
                        endpoint: E::NAME,
                        api: G::API,
                        what: "this generation has no such call".into(),
                    });
                }
                let request = request_from_json::<E>(G::API, self.body)?;
                let replied = self.client.call_with_reply::<E>(&request)?;
                let value =
                    serde_json::to_value(&replied.value).map_err(|source| Error::Encode {
                        endpoint: E::NAME,
                        source,
                    })?;
                Ok(Replied {
                    value,
                    reply: replied.reply,
                })
            }
        }
        let mut visitor = ByName {
            client: self,
            name,
            body,
            typed,
            result: None,
        };
        render_api_types::visit_endpoints(&mut visitor);
        visitor.result.unwrap_or_else(|| {
            Err(Error::UnknownEndpoint {
                name: name.to_owned(),
                nearest: nearest_endpoints(name),
            })
        })
    }
}

/// A walk over every page of a paginated endpoint called by name, for bindings that cannot
/// hold a borrowing iterator ([`Client::pages_json`]). It owns only the request of the next
/// page; each [`next_page`](Self::next_page) makes one call through the client, and the
/// endpoint's own [`PageCursor`](crate::sans_io::PageCursor) says which page comes next and
/// when the last one has been read.
#[derive(Debug, Clone)]
pub struct JsonPages {
    name: &'static str,
    /// The next page's request, as JSON; `None` after the last page (or an error).
    next: Option<Value>,
}

impl<G: Generation> Client<G> {
    /// The pages of the paginated endpoint named `name`, from the page `body` asks for: see
    /// [`JsonPages`]. The body is read as [`call_json`](Self::call_json) reads it (strictly,
    /// with the spec's defaults) before anything is sent; a name that is not a paginated
    /// endpoint is [`Error::UnknownEndpoint`] (or [`Error::Unsupported`] when it is an
    /// endpoint without pages).
    ///
    /// ```no_run
    /// # let client = render_api_client::Client::from_env()?;
    /// let mut pages = client.pages_json("getTaskList", &serde_json::json!({"pageSize": 50}))?;
    /// while let Some(page) = pages.next_page(&client) {
    ///     println!("{} tasks", page?["items"].as_array().map_or(0, Vec::len));
    /// }
    /// # Ok::<(), render_api_client::Error>(())
    /// ```
    pub fn pages_json(&self, name: &str, body: &Value) -> Result<JsonPages, Error> {
        match OnePage::<G>::find(None, name, body) {
            // Without a client, what is found is the request read, defaults filled in.
            Some(found) => found.map(|found| JsonPages {
                name: found.name,
                next: Some(found.value),
            }),
            None => Err(
                match render_api_types::ENDPOINTS.iter().find(|e| e.name == name) {
                    Some(e) => Error::Unsupported {
                        endpoint: e.name,
                        api: G::API,
                        what: "this call answers no pages".into(),
                    },
                    None => Error::UnknownEndpoint {
                        name: name.to_owned(),
                        nearest: nearest_endpoints(name),
                    },
                },
            ),
        }
    }
}

impl JsonPages {
    /// The next page's reply data (`{pageCount, pageNum, total, size, items}`, everything the
    /// reply holds), or `None` after the last page. After an error the walk ends.
    pub fn next_page<G: Generation>(&mut self, client: &Client<G>) -> Option<Result<Value, Error>> {
        let request = self.next.take()?;
        match OnePage::<G>::find(Some(client), self.name, &request)? {
            Ok(found) => {
                self.next = found.next;
                Some(Ok(found.value))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// What [`OnePage`] found: the endpoint's name, and without a client the request read
/// (defaults filled in), with one a page and the next page's request (`None` after the last).
struct Found {
    name: &'static str,
    value: Value,
    next: Option<Value>,
}

/// Finds the paginated endpoint named `name`; without a client reads `request` into its typed
/// request, with one calls it for one page.
struct OnePage<'a, G: Generation> {
    client: Option<&'a Client<G>>,
    name: &'a str,
    request: &'a Value,
    found: Option<Result<Found, Error>>,
}

impl<'a, G: Generation> OnePage<'a, G> {
    fn find(
        client: Option<&'a Client<G>>,
        name: &'a str,
        request: &'a Value,
    ) -> Option<Result<Found, Error>> {
        let mut walk = OnePage {
            client,
            name,
            request,
            found: None,
        };
        render_api_types::visit_paginated(&mut walk);
        walk.found
    }

    fn step<E: render_api_types::Paginated>(&self) -> Result<Found, Error> {
        let encode = |source| Error::Encode {
            endpoint: E::NAME,
            source,
        };
        if E::path(G::API).is_none() {
            return Err(Error::Unsupported {
                endpoint: E::NAME,
                api: G::API,
                what: "this generation has no such call".into(),
            });
        }
        let request = request_from_json::<E>(G::API, self.request)?;
        let Some(client) = self.client else {
            return Ok(Found {
                name: E::NAME,
                value: serde_json::to_value(&request).map_err(encode)?,
                next: None,
            });
        };
        let mut cursor = client.core().pages::<E>(request);
        let mut found = Found {
            name: E::NAME,
            value: Value::Null,
            next: None,
        };
        if let Some(request) = cursor.next_request() {
            let page = client.call::<E>(request)?;
            cursor.advance(&page);
            found.value = serde_json::to_value(&page).map_err(encode)?;
            found.next = cursor
                .next_request()
                .map(serde_json::to_value)
                .transpose()
                .map_err(encode)?;
        }
        Ok(found)
    }
}

impl<G: Generation> render_api_types::PaginatedVisitor for OnePage<'_, G> {
    fn visit<E: render_api_types::Paginated>(&mut self) {
        if E::NAME == self.name && self.found.is_none() {
            self.found = Some(self.step::<E>());
        }
    }
}

//! The client and the mock farm agree: for arbitrary valid requests of every endpoint (values
//! generated from the spec's parameter types: unicode, empty lists, large ids, codes the SDK
//! does not know), what the client signs verifies on the farm; and changing any one signed
//! byte in transit (a header value or the body) is rejected.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use proptest::test_runner::TestRng;
use render_api_client::types::Generation;
use render_api_client::types::{CodedEnum, Endpoint, EndpointVisitor, ErrorCode, visit_endpoints};
use render_api_client::{ApiVersion, Client, Error, RetryPolicy, V1, V2};
use render_api_mock::MockFarm;
use render_spec::{Code, GenId, Spec, Type};
use serde_json::{Map, Value, json};

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        render_spec::load(&render_api_tests::repo_root().join("api-spec.yaml"))
            .expect("the spec lints")
    })
}

const CHARS: &[char] = &[
    'a', 'Z', '0', ' ', '&', '=', '"', '\\', '/', '.', '衣', '帽', '间', 'é', '😀', '\n', '\u{1}',
];

fn text(rng: &mut TestRng) -> String {
    let n = rng.random_range(0..12);
    (0..n)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())])
        .collect()
}

fn int(rng: &mut TestRng) -> i64 {
    match rng.random_range(0..6) {
        0 => 0,
        1 => i64::MAX,
        2 => -1,
        3 => rng.random_range(1..100),
        _ => rng.random_range(10_000..100_000_000),
    }
}

/// A value of type `ty`, as the spec describes it.
fn value(spec: &Spec, ty: &Type, rng: &mut TestRng) -> Value {
    match ty {
        Type::Int | Type::EpochMs => json!(int(rng)),
        Type::Str | Type::Text => json!(text(rng)),
        Type::Bool => json!(rng.random_bool(0.5)),
        Type::Decimal => json!(rng.random_range(0..10_000) as f64 / 100.0),
        Type::Json | Type::Ack => json!({}),
        Type::List(inner) => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| value(spec, inner, rng))
                .collect(),
        ),
        Type::Enum(e) => {
            let e = spec.enum_(e);
            let known = &e.values[rng.random_range(0..e.values.len())].code;
            match (known, rng.random_bool(0.8)) {
                (code, true) => code.to_json(),
                (Code::Int(_), false) => json!(rng.random_range(1000..2000)),
                (Code::Str(_), false) => json!(text(rng)),
            }
        }
        Type::Page(_) | Type::Model(_) => unreachable!("not a parameter type (the linter says so)"),
    }
}

/// A valid body of endpoint `name` in generation `g`: what it requires there, and a random
/// choice of the rest.
fn body(spec: &Spec, name: &str, g: GenId, rng: &mut TestRng) -> Value {
    let ep = spec.endpoint(name).expect("endpoint in spec");
    let mut map = Map::new();
    for p in ep.params.iter().filter(|p| p.exists_in(g)) {
        if p.always_sent_in(g) || rng.random_bool(0.5) {
            map.insert(p.wire.clone(), value(spec, &p.ty, rng));
        }
    }
    Value::Object(map)
}

/// A generation `name` exists in, chosen by `pick`.
fn generation(spec: &Spec, name: &str, pick: usize) -> (GenId, ApiVersion) {
    let ep = spec.endpoint(name).expect("endpoint in spec");
    let gens: Vec<GenId> = ep.generations().collect();
    let g = gens[pick % gens.len()];
    let api = spec
        .generation(g)
        .version
        .parse()
        .expect("a generation the SDK knows");
    (g, api)
}

/// Calls the endpoint named `target` with `body`, through its generated request type.
struct Call<'a, G> {
    client: &'a Client<G>,
    target: &'a str,
    body: Value,
    result: Option<Result<(), Error>>,
}

impl<G: Generation> EndpointVisitor for Call<'_, G> {
    fn visit<E: Endpoint>(&mut self) {
        if E::NAME != self.target {
            return;
        }
        let request: E::Request = serde_json::from_value(self.body.clone()).unwrap_or_else(|e| {
            panic!(
                "{}: a valid body does not fit the request type: {e}: {}",
                E::NAME,
                self.body
            )
        });
        self.result = Some(self.client.call::<E>(&request).map(|_| ()));
    }
}

fn call<G: Generation>(client: &Client<G>, target: &str, body: Value) -> Result<(), Error> {
    let mut c = Call {
        client,
        target,
        body,
        result: None,
    };
    visit_endpoints(&mut c);
    c.result.expect("every endpoint is visited")
}

/// A relay that flips one byte of a signed header value or of the body, chosen by `pick`.
struct Tamper {
    url: String,
    pick: Arc<AtomicUsize>,
}

fn tamper_relay(farm: String) -> Tamper {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let pick = Arc::new(AtomicUsize::new(0));
    let chosen = Arc::clone(&pick);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let Some(mut request) = render_api_mock::testing::read_http_request(&mut stream) else {
                continue;
            };
            let spots = signed_bytes(&request);
            let at = spots[chosen.load(Ordering::SeqCst) % spots.len()];
            // Flip a low bit, keeping header bytes printable ASCII.
            request[at] = if request[at] == b'~' {
                b'}'
            } else {
                request[at] ^ 0x01
            };
            if request[at] < 0x20 && at < body_start(&request) {
                request[at] = b'x';
            }
            let end = request.windows(2).position(|w| w == b"\r\n").unwrap();
            request.splice(end..end, b"\r\nConnection: close".iter().copied());
            let mut upstream = TcpStream::connect(&farm).unwrap();
            upstream.write_all(&request).unwrap();
            let mut reply = Vec::new();
            let _ = upstream.read_to_end(&mut reply);
            let _ = stream.write_all(&reply);
        }
    });
    Tamper { url, pick }
}

fn body_start(request: &[u8]) -> usize {
    request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .unwrap_or(request.len())
}

/// Positions of the bytes a signature covers: the signed headers' values and the body, less
/// the keys of empty arrays and objects. The document's rule drops an empty container from the
/// string to sign, key and all, so `{"taskIds":[]}` and `{"taskIdz":[]}` sign alike: no
/// implementation can detect that change (a property of the protocol, not of this SDK).
fn signed_bytes(request: &[u8]) -> Vec<usize> {
    let start = body_start(request);
    let body = &request[start..];
    let mut uncovered = vec![false; body.len()];
    for (i, w) in body.windows(4).enumerate() {
        if w == b"\":[]" || w == b"\":{}" {
            // Walk back to the key's opening quote.
            let mut k = i;
            while k > 0 && !(body[k - 1] == b'"' && (k < 2 || body[k - 2] != b'\\')) {
                k -= 1;
            }
            uncovered[k.saturating_sub(1)..i + 4]
                .iter_mut()
                .for_each(|u| *u = true);
        }
    }
    let mut spots: Vec<usize> = (0..body.len())
        .filter(|&i| !uncovered[i])
        .map(|i| start + i)
        .collect();
    let mut at = 0;
    for line in request[..start].split(|b| *b == b'\n') {
        let text = String::from_utf8_lossy(line);
        if let Some((name, _)) = text.split_once(": ")
            && [
                "accessId",
                "channel",
                "platform",
                "UTCTimestamp",
                "nonce",
                "version",
            ]
            .contains(&name)
        {
            let from = at + name.len() + 2;
            let to = at + line.len() - 1; // before '\r'
            spots.extend(from..to);
        }
        at += line.len() + 1;
    }
    spots
}

fn endpoint_names() -> Vec<String> {
    spec().endpoints.iter().map(|e| e.name.clone()).collect()
}

/// A client of `api` (the generation the proptest picked) on `url`.
fn call_in(
    api: ApiVersion,
    url: &str,
    farm: &MockFarm,
    target: &str,
    body: Value,
) -> Result<(), Error> {
    let builder = Client::builder()
        .host(url)
        .credentials(farm.credentials())
        .retry(RetryPolicy::none());
    match api {
        ApiVersion::V1 => call(&builder.api::<V1>().build().unwrap(), target, body),
        ApiVersion::V2 => call(&builder.api::<V2>().build().unwrap(), target, body),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn what_the_client_signs_the_farm_verifies(which in 0usize..64, pick in 0usize..2, seed in any::<u64>()) {
        let names = endpoint_names();
        let name = &names[which % names.len()];
        let (g, api) = generation(spec(), name, pick);
        let mut rng = TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed_bytes(seed));
        let body = body(spec(), name, g, &mut rng);
        let farm = MockFarm::start().unwrap();
        match call_in(api, farm.url(), &farm, name, body.clone()) {
            Ok(()) => {}
            Err(Error::Api { code, message, .. }) => {
                // The farm may refuse what the farm's state does not allow, but never the
                // signature, the timestamp, the nonce, or the shape of the request.
                prop_assert!(
                    !matches!(code, ErrorCode::SignatureInvalid | ErrorCode::SignatureExpired | ErrorCode::IllegalProtocol | ErrorCode::Forbidden),
                    "{name} {body}: {} {message}", code.name().unwrap_or("?")
                );
                // The farm prefixes its own failures to read a request with the endpoint's name.
                prop_assert!(!message.starts_with(&format!("{name}:")), "{name} {body}: the farm could not read the request: {message}");
            }
            Err(other) => prop_assert!(false, "{name} {body}: {other}"),
        }
    }

    #[test]
    fn a_changed_signed_byte_is_rejected(which in 0usize..64, pick in 0usize..2, seed in any::<u64>(), spot in any::<usize>()) {
        let names = endpoint_names();
        let name = &names[which % names.len()];
        let (g, api) = generation(spec(), name, pick);
        let mut rng = TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed_bytes(seed));
        let body = body(spec(), name, g, &mut rng);
        let farm = MockFarm::start().unwrap();
        let relay = tamper_relay(farm.host().to_owned());
        relay.pick.store(spot, Ordering::SeqCst);
        let result = call_in(api, &relay.url, &farm, name, body.clone());
        match result {
            Err(Error::Api { code, .. }) => prop_assert!(
                [ErrorCode::SignatureInvalid, ErrorCode::ParameterInvalid, ErrorCode::Forbidden, ErrorCode::SignatureExpired].contains(&code),
                "{name} {body}: a tampered request got {code:?}"
            ),
            other => prop_assert!(false, "{name} {body}: a tampered request was not rejected: {other:?}"),
        }
    }
}

fn seed_bytes(seed: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, chunk) in out.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(
            &(seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(i as u64))
            .to_le_bytes(),
        );
    }
    out
}

//! The client's reading of arbitrary reply bodies, as every endpoint: never a panic, and an
//! error that names the endpoint.
#![no_main]

use libfuzzer_sys::fuzz_target;
use render_api_client::interpret_reply;
use render_api_client::types::{Endpoint, EndpointVisitor, visit_endpoints};

struct Read<'a> {
    status: u16,
    body: &'a [u8],
}

impl EndpointVisitor for Read<'_> {
    fn visit<E: Endpoint>(&mut self) {
        if let Err(e) = interpret_reply::<E>(self.status, self.body) {
            assert!(e.to_string().starts_with(E::NAME));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (if *s < 200 { 200 } else { 200 + u16::from(*s % 4) * 100 }, rest),
        None => (200, data),
    };
    visit_endpoints(&mut Read { status, body });
});

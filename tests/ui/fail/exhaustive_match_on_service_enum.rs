// The service adds codes: a match on a service enum must have a catch-all arm.
use render_api_client::types::Zone;

fn name(zone: Zone) -> &'static str {
    match zone {
        Zone::China => "china",
        Zone::Overseas => "overseas",
        Zone::Unknown(_) => "unknown",
    }
}

fn main() {}

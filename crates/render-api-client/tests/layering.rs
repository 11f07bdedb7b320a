//! The layering users rely on, checked in the files: the transport-free core names no
//! transport (no HTTP stack, no runtime, no transport module of this crate) and reads no clock
//! and draws no randomness of its own.

use std::path::Path;

#[test]
fn the_core_names_no_transport_clock_or_randomness() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sans_io");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // The unit tests at the end of a file may build a client; the core itself may not.
        let core = text.split("#[cfg(test)]").next().unwrap_or_default();
        for word in [
            "ureq",
            "reqwest",
            "tokio",
            "crate::client",
            "crate::asynchronous",
            "crate::transport",
            "crate::wait",
            "Instant::now",
            "SystemTime::now",
            "getrandom",
            "Nonce::random",
            "thread::sleep",
        ] {
            let found: Vec<usize> = core
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//") && l.contains(word))
                .map(|(i, _)| i + 1)
                .collect();
            assert!(
                found.is_empty(),
                "{} names `{word}` on line(s) {found:?}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 6, "the core's files: {checked}");
}

//! Compile-time promises: the mistakes in `tests/ui/fail` do not compile, and each says why;
//! the intended usage in `tests/ui/pass` does.

#[test]
#[ignore = "slow (a separate build of the crates for trybuild): CI runs it with --ignored; see the README"]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*.rs");
    t.pass("ui/pass/*.rs");
}

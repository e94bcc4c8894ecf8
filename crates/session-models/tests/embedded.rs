//! `Pack::embedded()` (feature `embed`) is the vendored pack file.

#![cfg(feature = "embed")]

mod support;

use session_models::Pack;

#[test]
fn embedded_pack_is_the_vendored_file() {
    let embedded = Pack::embedded();
    let file = Pack::open(support::pack_path()).expect("opens");
    assert_eq!(embedded.source(), file.source());
    assert_eq!(embedded.services().len(), 429);
    for name in ["s3", "lambda", "sso-oidc"] {
        let a = embedded
            .service(name)
            .expect("there")
            .service_json()
            .expect("reads");
        let b = file
            .service(name)
            .expect("there")
            .service_json()
            .expect("reads");
        assert!(a == b, "{name}");
    }
    assert!(std::ptr::eq(embedded, Pack::embedded()), "parsed once");
}

//! The signer against the API document's own example and rules, stage by stage.

use render_sign::{
    Credentials, HeaderSet, Nonce, ParamValue, REDACTED, Request, SignError, VerifyError,
};
use serde_json::{Value, json};

const DOC_ACCESS_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const DOC_ACCESS_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const DOC_HOST: &str = "task.renderbus.com";
const DOC_PATH: &str = "/api/render/common/queryPlatforms";

/// The headers of the document's example (签名方法, step 1): channel 7, platform 1.
fn doc_headers() -> HeaderSet {
    let mut headers = HeaderSet::new(DOC_ACCESS_ID, 1, 1535957371, Nonce::from(11886));
    headers.channel = "7".into();
    headers
}

fn doc_creds() -> Credentials {
    Credentials::new(DOC_ACCESS_ID, DOC_ACCESS_KEY)
}

#[test]
fn document_example_stage_by_stage() {
    let headers = doc_headers();
    let body = json!({"zone": 2});
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);

    // Stage 1: the document's "升序排序后" list.
    let params = request.canonical_params().unwrap();
    let keys: Vec<&str> = params.iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "UTCTimestamp",
            "accessId",
            "channel",
            "nonce",
            "platform",
            "version",
            "zone"
        ]
    );
    // Stage 2: the document's 拼接签名原文字符串示例 (with the PDF's spaces removed).
    assert_eq!(
        request.string_to_sign().unwrap().as_str(),
        "[POST]task.renderbus.com:/api/render/common/queryPlatforms&UTCTimestamp=1535957371&accessId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&channel=7&nonce=11886&platform=1&version=1.0.0&zone=2"
    );
    // Stage 3: the document's 最终签名串.
    let signed = request.sign(&doc_creds()).unwrap();
    assert_eq!(
        signed.signature().as_str(),
        "6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg="
    );
    assert_eq!(
        request.verify(&doc_creds(), signed.signature().as_str()),
        Ok(())
    );
}

/// The owned forms send the same text as the borrowed ones: the document's example headers,
/// by name and in the order sent, and its signature.
#[test]
fn taken_headers_and_signature_are_the_documents() {
    let headers = doc_headers();
    let body = json!({"zone": 2});
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let signature = request.sign(&doc_creds()).unwrap().into_signature();
    assert_eq!(
        signature.into_string(),
        "6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg="
    );
    let pairs = doc_headers().into_pairs();
    let expected = [
        ("accessId", DOC_ACCESS_ID),
        ("channel", "7"),
        ("platform", "1"),
        ("UTCTimestamp", "1535957371"),
        ("nonce", "11886"),
        ("version", "1.0.0"),
    ];
    assert_eq!(pairs, expected.map(|(k, v)| (k, v.to_owned())));
    let borrowed: Vec<_> = headers.iter().collect();
    assert_eq!(borrowed, expected);
}

#[test]
fn document_flattening_example() {
    // The document's 复杂对象 example: array indices appended, children joined with '.'.
    let headers = doc_headers();
    let body = json!({
        "taksId": 2,
        "renderEnvs": [
            {"envId": 1, "pluginIds": [2, 3, 4]},
            {"envId": 3, "pluginIds": [7, 8, 10]}
        ]
    });
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let params = request.canonical_params().unwrap();
    let body_pairs: Vec<String> = params
        .iter()
        .filter(|(k, _)| !headers.iter().any(|(h, _)| h == *k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    assert_eq!(
        body_pairs,
        [
            "renderEnvs0.envId=1",
            "renderEnvs0.pluginIds0=2",
            "renderEnvs0.pluginIds1=3",
            "renderEnvs0.pluginIds2=4",
            "renderEnvs1.envId=3",
            "renderEnvs1.pluginIds0=7",
            "renderEnvs1.pluginIds1=8",
            "renderEnvs1.pluginIds2=10",
            "taksId=2",
        ]
    );
}

#[test]
fn sorting_is_bytewise_not_numeric() {
    let headers = doc_headers();
    let ids: Vec<u32> = (0..12).collect();
    let body = json!({ "ids": ids });
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let params = request.canonical_params().unwrap();
    let keys: Vec<&str> = params
        .iter()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("ids"))
        .collect();
    assert_eq!(
        keys,
        [
            "ids0", "ids1", "ids10", "ids11", "ids2", "ids3", "ids4", "ids5", "ids6", "ids7",
            "ids8", "ids9"
        ]
    );
}

#[test]
fn empty_containers_contribute_nothing_and_strings_are_not_escaped() {
    let headers = doc_headers();
    let body = json!({
        "pluginIds": [],
        "extra": {},
        "nested": {"inner": [], "deeper": {}},
        "sceneName": "衣帽间 a&b=c \"q\"",
        "price": 1.57,
        "neg": -3
    });
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let params = request.canonical_params().unwrap();
    let body_pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !headers.iter().any(|(h, _)| h == *k))
        .map(|(k, v)| (k.to_owned(), v.to_string()))
        .collect();
    assert_eq!(
        body_pairs,
        [
            ("neg".to_owned(), "-3".to_owned()),
            ("price".to_owned(), "1.57".to_owned()),
            ("sceneName".to_owned(), "衣帽间 a&b=c \"q\"".to_owned()),
        ]
    );
    let sts = request.string_to_sign().unwrap();
    assert!(
        sts.as_str()
            .ends_with("&sceneName=衣帽间 a&b=c \"q\"&version=1.0.0")
    );
}

#[test]
fn scalars_render_as_json_text() {
    assert_eq!(ParamValue::Bool(true).to_string(), "true");
    assert_eq!(ParamValue::Null.to_string(), "null");
    assert_eq!(ParamValue::Str("x y").to_string(), "x y");
}

#[test]
fn bad_input_is_a_typed_error() {
    let headers = doc_headers();
    let creds = doc_creds();
    let object = json!({"zone": 2});

    for (body, found) in [
        (json!([1, 2]), "an array"),
        (json!("zone"), "a string"),
        (Value::Null, "null"),
        (json!(3), "a number"),
    ] {
        let err = Request::new(DOC_HOST, DOC_PATH, &headers, &body)
            .sign(&creds)
            .unwrap_err();
        assert_eq!(err, SignError::BodyNotAnObject { found });
        assert!(err.to_string().contains("must be a JSON object"), "{err}");
    }

    let body = json!({"x": [1], "x0": 2});
    let err = Request::new(DOC_HOST, DOC_PATH, &headers, &body)
        .sign(&creds)
        .unwrap_err();
    assert_eq!(err, SignError::DuplicateKey { key: "x0".into() });

    let body = json!({"a": {"b": 1}, "a.b": 2});
    let err = Request::new(DOC_HOST, DOC_PATH, &headers, &body)
        .string_to_sign()
        .unwrap_err();
    assert_eq!(err, SignError::DuplicateKey { key: "a.b".into() });

    let err = Request::new("", DOC_PATH, &headers, &object)
        .sign(&creds)
        .unwrap_err();
    assert_eq!(err, SignError::EmptyHost);

    let err = Request::new(
        DOC_HOST,
        "api/render/common/queryPlatforms",
        &headers,
        &object,
    )
    .sign(&creds)
    .unwrap_err();
    assert_eq!(
        err,
        SignError::BadPath {
            path: "api/render/common/queryPlatforms".into()
        }
    );
    assert!(err.to_string().contains("does not start with `/`"));
}

/// The service's own clients merge the body into the headers with the body winning, so a
/// body key equal to a header name is signed with the body's value, once (taskRecord sends
/// `platform` in its body).
#[test]
fn a_body_key_equal_to_a_header_name_is_signed_with_the_bodys_value() {
    let headers = doc_headers();
    let body = json!({"platform": 5, "pageNum": 1});
    let text = Request::new(DOC_HOST, DOC_PATH, &headers, &body)
        .string_to_sign()
        .unwrap()
        .to_string();
    assert!(text.contains("&platform=5&"), "{text}");
    assert_eq!(text.matches("platform=").count(), 1, "{text}");
    // Replaced whatever the value: an empty list removes the parameter altogether.
    let body = json!({"platform": []});
    let text = Request::new(DOC_HOST, DOC_PATH, &headers, &body)
        .string_to_sign()
        .unwrap()
        .to_string();
    assert!(!text.contains("platform"), "{text}");
}

#[test]
fn verify_rejects_wrong_and_malformed_signatures() {
    let headers = doc_headers();
    let body = json!({"zone": 2});
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let creds = doc_creds();
    assert_eq!(
        request.verify(&creds, "6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcA="),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        request.verify(&creds, "not base64!"),
        Err(VerifyError::Malformed)
    );
    assert_eq!(request.verify(&creds, ""), Err(VerifyError::Malformed));
    let other = Credentials::new(DOC_ACCESS_ID, "another key");
    assert_eq!(
        request.verify(&other, "6tvuz8bgDCz5vtS3amuMWVbOqzhaeWaOhNcWMqx9zcg="),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn secrets_never_show_in_debug_or_display() {
    let creds = doc_creds();
    let headers = doc_headers();
    let body = json!({"zone": 2});
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let signed = request.sign(&creds).unwrap();
    let sig = signed.signature().as_str().to_owned();
    for text in [
        format!("{creds:?}"),
        format!("{creds:#?}"),
        format!("{creds}"),
        format!("{signed:?}"),
        format!("{:?}", signed.signature()),
    ] {
        assert!(!text.contains(DOC_ACCESS_KEY), "{text}");
        assert!(!text.contains(&sig), "{text}");
    }
    assert!(format!("{creds:?}").contains(REDACTED));
    assert!(format!("{creds}").contains(DOC_ACCESS_ID));
    // The signature is available to send, and all seven headers are there in order.
    let names: Vec<&str> = signed.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "accessId",
            "channel",
            "platform",
            "UTCTimestamp",
            "nonce",
            "version",
            "signature"
        ]
    );
    assert_eq!(signed.iter().last().unwrap().1, sig);
}

#[test]
fn random_nonces_differ_and_fit_a_signed_long() {
    let nonces: std::collections::HashSet<u64> =
        (0..1000).map(|_| Nonce::random().unwrap().get()).collect();
    assert_eq!(nonces.len(), 1000);
    assert!(nonces.iter().all(|n| *n <= i64::MAX as u64));
}

#[test]
fn deep_nesting_does_not_overflow() {
    // Built by hand: `json!` would serialize (recursively) a nested `Value` it is given.
    let mut body = json!(1);
    for _ in 0..5_000 {
        let mut map = serde_json::Map::new();
        map.insert("a".into(), body);
        body = Value::Object(map);
    }
    let mut root = serde_json::Map::new();
    root.insert("root".into(), body);
    let body = Value::Object(root);
    let headers = doc_headers();
    let request = Request::new(DOC_HOST, DOC_PATH, &headers, &body);
    let params = request.canonical_params().unwrap();
    assert_eq!(params.len(), 7);
    // Dropping a deeply nested Value recurses inside serde_json; keep it out of this test.
    std::mem::forget(body);
}

// In-process unit tests of redaction: no server, exchanges built in memory.

use super::*;

fn request(headers: &[(&str, &str)], uri: &str, body: &str) -> (http::request::Parts, Bytes) {
    let mut builder = http::Request::builder().method("POST").uri(uri);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let (parts, ()) = builder.body(()).unwrap().into_parts();
    (parts, Bytes::copy_from_slice(body.as_bytes()))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[test]
fn secret_headers_are_replaced_and_authorization_keeps_its_scheme() {
    let (parts, body) = request(
        &[
            ("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abcdef"),
            ("x-amz-security-token", "TOKEN-SECRET"),
            ("x-amz-sso_bearer_token", "BEARER-SECRET"),
            ("cookie", "session=COOKIE-SECRET"),
            ("x-aws-ec2-metadata-token", "IMDS-SECRET"),
            ("x-amz-server-side-encryption-customer-key", "SSEC-SECRET"),
            ("x-amz-target", "AmazonSQS.ListQueues"),
        ],
        "https://sqs.us-east-1.amazonaws.com/",
        "",
    );
    let kept = Redactions::default().request(&parts, &body);
    let text = format!("{kept:?}");
    for secret in [
        "abcdef",
        "TOKEN-SECRET",
        "BEARER-SECRET",
        "COOKIE-SECRET",
        "IMDS-SECRET",
        "SSEC-SECRET",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(
        header(&kept.headers, "authorization"),
        format!("AWS4-HMAC-SHA256 {REDACTED}")
    );
    assert_eq!(header(&kept.headers, "x-amz-security-token"), REDACTED);
    assert_eq!(
        header(&kept.headers, "x-amz-target"),
        "AmazonSQS.ListQueues"
    );
    // In the order sent.
    assert_eq!(kept.headers[6].0, "x-amz-target");
}

#[test]
fn response_cookies_and_custom_headers_are_replaced() {
    let response = http::Response::builder()
        .header("set-cookie", "id=COOKIE-SECRET")
        .header("x-api-key", "KEY-SECRET")
        .body(())
        .unwrap();
    let (parts, ()) = response.into_parts();
    let kept = Redactions::default()
        .header("X-Api-Key")
        .response(&parts, &Bytes::new());
    assert_eq!(header(&kept.headers, "set-cookie"), REDACTED);
    assert_eq!(header(&kept.headers, "x-api-key"), REDACTED);
}

#[test]
fn presigned_url_parameters_are_replaced() {
    let (parts, body) = request(
        &[],
        "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-Security-Token=TOKEN-SECRET&X-Amz-Signature=SIG-SECRET&x-id=GetObject",
        "",
    );
    let kept = Redactions::default().request(&parts, &body);
    assert!(!kept.uri.contains("SECRET"), "{}", kept.uri);
    assert!(!kept.uri.contains("AKID"), "{}", kept.uri);
    assert!(kept.uri.contains("X-Amz-Expires=60&"), "{}", kept.uri);
    assert!(kept.uri.ends_with("&x-id=GetObject"), "{}", kept.uri);
    assert!(
        kept.uri.contains("X-Amz-Signature=%2A%2Aredacted%2A%2A"),
        "{}",
        kept.uri
    );
}

#[test]
fn json_members_are_replaced_and_the_body_stays_json() {
    let body = r#"{"Credentials": {"AccessKeyId": "ASIA1", "SecretAccessKey": "S-SECRET",
        "SessionToken": "T-SECRET\"quoted\"", "Expiration": 1.5e9}, "password": {"nested": [1, "P-SECRET"]},
        "Pass\u0077ord": "E-SECRET", "NextToken": "keep", "Token" : null, "Count": 3}"#;
    let (parts, bytes) = request(
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("content-length", "1"),
            ("x-amz-content-sha256", "abc"),
        ],
        "https://x/",
        body,
    );
    let kept = Redactions::default().request(&parts, &bytes);
    let text = std::str::from_utf8(&kept.body).unwrap();
    assert!(!text.contains("SECRET"), "{text}");
    let parsed: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(parsed["Credentials"]["AccessKeyId"], "ASIA1");
    assert_eq!(parsed["Credentials"]["SecretAccessKey"], REDACTED);
    assert_eq!(parsed["password"], REDACTED);
    assert_eq!(parsed["Token"], REDACTED);
    assert_eq!(parsed["NextToken"], "keep");
    // Untouched bytes stay as they were.
    assert!(text.contains("\"Expiration\": 1.5e9}"), "{text}");
    assert_eq!(
        header(&kept.headers, "content-length"),
        kept.body.len().to_string()
    );
    // A digest of the secrets is not kept either.
    assert_eq!(header(&kept.headers, "x-amz-content-sha256"), REDACTED);
}

#[test]
fn xml_elements_are_replaced_and_the_body_stays_well_formed() {
    let body = "<?xml version=\"1.0\"?>\n<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <!-- <SessionToken>not an element</SessionToken> --><AssumeRoleResult><Credentials>\
        <AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>S-SECRET</SecretAccessKey>\
        <sts:SessionToken a=\"x>y\">T-SECRET</sts:SessionToken><Token/><Password><Token>N-SECRET</Token></Password>\
        </Credentials></AssumeRoleResult></AssumeRoleResponse>";
    let response = http::Response::builder()
        .header("content-type", "text/xml")
        .header("x-amz-checksum-crc32", "abc")
        .body(())
        .unwrap();
    let (parts, ()) = response.into_parts();
    let kept = Redactions::default().response(&parts, &Bytes::from(body));
    // The answer's checksum no longer describes the body: removed.
    assert_eq!(kept.headers.len(), 1);
    let text = std::str::from_utf8(&kept.body).unwrap();
    assert!(!text.contains("-SECRET"), "{text}");
    assert!(text.contains("<AccessKeyId>ASIA1</AccessKeyId>"), "{text}");
    assert!(
        text.contains(&format!("<SecretAccessKey>{REDACTED}</SecretAccessKey>")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "<sts:SessionToken a=\"x>y\">{REDACTED}</sts:SessionToken>"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("<Token/><Password>{REDACTED}</Password>")),
        "{text}"
    );
    // Well-formed: every element still closes, in order.
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{e}: {text}"),
        }
    }
}

#[test]
fn an_unclosed_secret_element_hides_the_rest() {
    let kept = scan::redact_xml(b"<a><Token>SECRET", &|n| n == "Token", "X").unwrap();
    assert_eq!(kept, b"<a><Token>X");
}

#[test]
fn form_fields_are_replaced_and_the_body_stays_form_encoded() {
    let body = "Action=CreateLoginProfile&UserName=bob&Password=P%26SECRET&Credentials.SessionToken=T-SECRET&&Version=2010-05-08";
    let (parts, bytes) = request(
        &[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        "https://iam.amazonaws.com/",
        body,
    );
    let kept = Redactions::default().request(&parts, &bytes);
    let text = std::str::from_utf8(&kept.body).unwrap();
    assert!(!text.contains("SECRET"), "{text}");
    let marker = scan::encode(REDACTED);
    assert_eq!(
        text,
        format!(
            "Action=CreateLoginProfile&UserName=bob&Password={marker}&Credentials.SessionToken={marker}&&Version=2010-05-08"
        )
    );
    assert_eq!(scan::decode(&marker), REDACTED);
}

#[test]
fn bodies_are_recognized_without_a_content_type() {
    let r = Redactions::default();
    let secret = |n: &str| r.is_secret_field(n);
    assert!(scan::redact_json(b" {\"token\":\"x\"}", &secret, REDACTED).is_some());
    let (parts, bytes) = request(&[], "https://x/", " {\"token\":\"SECRET\"}");
    assert!(!format!("{:?}", r.request(&parts, &bytes).body).contains("SECRET"));
    let (parts, bytes) = request(&[], "https://x/", "<a><Token>SECRET</Token></a>");
    assert!(!format!("{:?}", r.request(&parts, &bytes).body).contains("SECRET"));
    // Other bodies are not looked into.
    let (parts, bytes) = request(&[], "https://x/", "Token=plain-text");
    assert_eq!(r.request(&parts, &bytes).body, bytes);
}

#[test]
fn added_fields_and_hooks_apply() {
    let rules = Redactions::default()
        .field("ApiKey")
        .with(|exchange: &mut Exchange| {
            exchange.response.body = Bytes::from_static(b"scrubbed");
        });
    assert!(rules.is_secret_field("apikey"));
    assert!(!rules.is_secret_field("NextToken"));
    let mut exchange = Exchange {
        request: RecordedRequest {
            method: "POST".into(),
            uri: "https://x/?ApiKey=K-SECRET".into(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("authorization".into(), "Bearer B-SECRET".into()),
            ],
            body: Bytes::from_static(b"{\"apiKey\": \"K-SECRET\"}"),
        },
        response: RecordedResponse {
            status: 200,
            headers: vec![],
            body: Bytes::from_static(b"anything"),
        },
    };
    rules.apply(&mut exchange);
    assert!(!format!("{exchange:?}").contains("SECRET"), "{exchange:?}");
    assert_eq!(exchange.request.headers[1].1, format!("Bearer {REDACTED}"));
    assert_eq!(exchange.response.body, "scrubbed");
}

#[test]
fn malformed_json_is_scanned_as_far_as_it_goes() {
    let r = Redactions::default();
    let secret = |n: &str| r.is_secret_field(n);
    let out =
        scan::redact_json(b"{\"Password\": \"P-SECRET\", \"a\": [", &secret, REDACTED).unwrap();
    assert!(!String::from_utf8_lossy(&out).contains("SECRET"));
    let out = scan::redact_json(b"{\"Password\": {\"a\": \"P-SECRET\"", &secret, REDACTED).unwrap();
    assert!(!String::from_utf8_lossy(&out).contains("SECRET"));
    assert!(scan::redact_json(b"{\"Password", &secret, REDACTED).is_none());
}

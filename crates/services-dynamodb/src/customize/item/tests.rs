#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};
use session_runtime::Blob;

use super::*;

/// Bytes the way `serde_bytes` writes and reads them (`serialize_bytes`, `visit_byte_buf`).
#[derive(Debug, Clone, PartialEq, Default)]
struct Raw(Vec<u8>);

impl Serialize for Raw {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw(v.to_vec()))
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Raw, E> {
                Ok(Raw(v))
            }
        }
        d.deserialize_byte_buf(V)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Shape {
    Dot,
    Circle(f64),
    Segment(i32, i32),
    Rect { w: u32, h: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Address {
    street: String,
    zip: u32,
    lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Person {
    name: String,
    age: u8,
    score: f64,
    balance: i64,
    admin: bool,
    nickname: Option<String>,
    address: Address,
    tags: BTreeSet<String>,
    counts: HashMap<String, u64>,
    photo: Blob,
    thumb: Raw,
    shape: Shape,
}

fn person() -> Person {
    Person {
        name: "Ada".into(),
        age: 36,
        score: 0.1,
        balance: i64::MIN,
        admin: true,
        nickname: None,
        address: Address {
            street: "1 Main St".into(),
            zip: 12345,
            lines: vec!["a".into(), "b".into()],
        },
        tags: ["x".to_owned(), "y".to_owned()].into(),
        counts: HashMap::from([("visits".to_owned(), u64::MAX)]),
        photo: Blob::from(&b"\x00\xffpng"[..]),
        thumb: Raw(vec![1, 2, 3]),
        shape: Shape::Rect { w: 2, h: 3 },
    }
}

fn av(v: impl Serialize) -> AttributeValue {
    to_attribute_value(&v).unwrap()
}

#[test]
fn writes_boto3s_mapping() {
    assert_eq!(av("hi"), AttributeValue::s("hi"));
    assert_eq!(av('c'), AttributeValue::s("c"));
    assert_eq!(av(42u8), AttributeValue::n("42"));
    assert_eq!(av(-7i32), AttributeValue::n("-7"));
    assert_eq!(av(u64::MAX), AttributeValue::n("18446744073709551615"));
    assert_eq!(
        av(i128::MIN),
        AttributeValue::n("-170141183460469231731687303715884105728")
    );
    assert_eq!(av(1.5f64), AttributeValue::n("1.5"));
    assert_eq!(av(0.1f32), AttributeValue::n("0.1"));
    assert_eq!(av(1e21f64), AttributeValue::n("1000000000000000000000"));
    assert_eq!(av(2.0f64), AttributeValue::n("2"));
    assert_eq!(av(true), AttributeValue::bool(true));
    assert_eq!(av(None::<i32>), AttributeValue::null());
    assert_eq!(av(Some(3)), AttributeValue::n("3"));
    assert_eq!(av(()), AttributeValue::null());
    assert_eq!(
        av(vec![1, 2]),
        AttributeValue::l([AttributeValue::n(1), AttributeValue::n(2)])
    );
    assert_eq!(
        av((1, "a")),
        AttributeValue::l([AttributeValue::n(1), AttributeValue::s("a")])
    );
    assert_eq!(
        av(HashMap::from([("k", 1)])),
        AttributeValue::m([("k".to_owned(), AttributeValue::n(1))])
    );
    assert_eq!(
        av(HashMap::from([(7u32, "seven")])),
        AttributeValue::m([("7".to_owned(), AttributeValue::s("seven"))])
    );
    assert_eq!(av(Raw(vec![0, 1])), AttributeValue::b(vec![0, 1]));
    assert_eq!(av(Blob::from("bin")), AttributeValue::b("bin"));
    assert_eq!(av(Shape::Dot), AttributeValue::s("Dot"));
    assert_eq!(
        av(Shape::Circle(0.5)),
        AttributeValue::m([("Circle".to_owned(), AttributeValue::n("0.5"))])
    );
    assert_eq!(
        av(Shape::Segment(1, 2)),
        AttributeValue::m([(
            "Segment".to_owned(),
            AttributeValue::l([AttributeValue::n(1), AttributeValue::n(2)])
        )])
    );

    let item = to_item(&person()).unwrap();
    assert_eq!(item["name"], AttributeValue::s("Ada"));
    assert_eq!(item["nickname"], AttributeValue::null());
    assert_eq!(item["balance"], AttributeValue::n(i64::MIN));
    assert_eq!(item["photo"].b.as_ref().unwrap().as_bytes(), b"\x00\xffpng");
    assert_eq!(
        item["address"].m.as_ref().unwrap()["zip"],
        AttributeValue::n(12345)
    );
    assert_eq!(
        item["shape"].m.as_ref().unwrap()["Rect"]
            .m
            .as_ref()
            .unwrap()["h"],
        AttributeValue::n(3)
    );
}

#[test]
fn blobs_still_write_base64_in_json() {
    assert_eq!(
        serde_json::to_string(&Blob::from("binary-value")).unwrap(),
        "\"YmluYXJ5LXZhbHVl\""
    );
}

#[test]
fn round_trips_a_struct() {
    let p = person();
    let back: Person = from_item(to_item(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    for shape in [
        Shape::Dot,
        Shape::Circle(-2.25),
        Shape::Segment(-1, 9),
        Shape::Rect { w: 0, h: 1 },
    ] {
        let back: Shape = from_attribute_value(av(&shape)).unwrap();
        assert_eq!(back, shape);
    }
    let keyed = HashMap::from([(1u16, "one".to_owned()), (2, "two".to_owned())]);
    let back: HashMap<u16, String> = from_attribute_value(av(&keyed)).unwrap();
    assert_eq!(back, keyed);

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "type")]
    enum Tagged {
        A { n: i64 },
        B { s: String },
    }
    let back: Tagged = from_attribute_value(av(Tagged::A { n: 5 })).unwrap();
    assert_eq!(back, Tagged::A { n: 5 });
}

#[test]
fn reads_numbers_exactly_and_leniently() {
    let n = |text: &str| AttributeValue::n(text);
    assert_eq!(from_attribute_value::<i64>(n("42")).unwrap(), 42);
    assert_eq!(from_attribute_value::<f64>(n("1.5")).unwrap(), 1.5);
    assert_eq!(from_attribute_value::<f64>(n("42")).unwrap(), 42.0);
    assert_eq!(from_attribute_value::<f32>(n("0.1")).unwrap(), 0.1f32);
    assert_eq!(
        from_attribute_value::<u64>(n("18446744073709551615")).unwrap(),
        u64::MAX
    );
    assert_eq!(
        from_attribute_value::<i128>(n("-170141183460469231731687303715884105728")).unwrap(),
        i128::MIN
    );
    assert_eq!(from_attribute_value::<i64>(n("1e2")).unwrap(), 100);
    assert_eq!(from_attribute_value::<u8>(n("100.000")).unwrap(), 100);
    assert_eq!(from_attribute_value::<i32>(n("-1.5E1")).unwrap(), -15);
    assert_eq!(from_attribute_value::<i32>(n("0.0e5")).unwrap(), 0);
    // The exact text, for decimals wider than f64.
    assert_eq!(
        from_attribute_value::<String>(n("3.14159265358979323846264338327950288")).unwrap(),
        "3.14159265358979323846264338327950288"
    );
    // Untyped targets get integers as integers; beyond 64 bits (which `Value` and
    // serde's buffering for untagged enums cannot hold) as floats.
    assert_eq!(
        from_attribute_value::<Value>(n("9007199254740993")).unwrap(),
        json!(9_007_199_254_740_993u64)
    );
    assert_eq!(
        from_attribute_value::<Value>(n("-1e26")).unwrap(),
        json!(-1e26)
    );
    assert_eq!(
        from_attribute_value::<Value>(n("-2.5")).unwrap(),
        json!(-2.5)
    );
}

#[test]
fn reads_sets_and_binary() {
    let ss = AttributeValue::ss(["a", "b"]);
    assert_eq!(
        from_attribute_value::<Vec<String>>(ss.clone()).unwrap(),
        ["a", "b"]
    );
    assert_eq!(
        from_attribute_value::<BTreeSet<String>>(ss).unwrap(),
        BTreeSet::from(["a".to_owned(), "b".to_owned()])
    );
    let ns = AttributeValue {
        ns: Some(vec!["1".into(), "2.5".into()]),
        ..Default::default()
    };
    assert_eq!(
        from_attribute_value::<Vec<f64>>(ns.clone()).unwrap(),
        [1.0, 2.5]
    );
    assert!(from_attribute_value::<Vec<i64>>(ns)
        .unwrap_err()
        .to_string()
        .contains("[1]"));
    let bs = AttributeValue {
        bs: Some(vec![Blob::from("x"), Blob::from("yz")]),
        ..Default::default()
    };
    assert_eq!(
        from_attribute_value::<Vec<Blob>>(bs.clone()).unwrap(),
        [Blob::from("x"), Blob::from("yz")]
    );
    assert_eq!(
        from_attribute_value::<Vec<Raw>>(bs).unwrap(),
        [Raw(b"x".to_vec()), Raw(b"yz".to_vec())]
    );
    let b = AttributeValue::b("bytes");
    assert_eq!(
        from_attribute_value::<Vec<u8>>(b.clone()).unwrap(),
        b"bytes"
    );
    assert_eq!(
        from_attribute_value::<Raw>(b.clone()).unwrap(),
        Raw(b"bytes".to_vec())
    );
    assert_eq!(
        from_attribute_value::<Blob>(b).unwrap(),
        Blob::from("bytes")
    );
}

#[test]
fn errors_name_the_field_and_the_types() {
    let mut item = to_item(&person()).unwrap();
    item.insert("age".into(), AttributeValue::n("300"));
    let e = from_item::<Person>(item).unwrap_err();
    assert_eq!(e.path(), "age");
    assert!(
        e.to_string().contains("300") && e.to_string().contains("u8"),
        "{e}"
    );

    let mut item = to_item(&person()).unwrap();
    let address = item.get_mut("address").unwrap().m.as_mut().unwrap();
    address.insert(
        "lines".into(),
        AttributeValue::l([AttributeValue::s("ok"), AttributeValue::bool(false)]),
    );
    let e = from_item::<Person>(item).unwrap_err();
    assert_eq!(e.path(), "address.lines[1]");
    assert!(
        e.message()
            .contains("invalid type: boolean `false`, expected a string"),
        "{e}"
    );
    assert!(e.to_string().starts_with("at `address.lines[1]`: "), "{e}");

    let mut item = to_item(&person()).unwrap();
    item.insert("score".into(), AttributeValue::s("high"));
    let e = from_item::<Person>(item).unwrap_err();
    assert_eq!(e.path(), "score");
    assert!(
        e.message()
            .contains("invalid type: string \"high\", expected f64"),
        "{e}"
    );

    let mut item = to_item(&person()).unwrap();
    item.insert("age".into(), AttributeValue::n("1.5"));
    let e = from_item::<Person>(item).unwrap_err();
    assert!(e.message().contains("floating point `1.5`"), "{e}");

    let mut item = to_item(&person()).unwrap();
    item.remove("name");
    let e = from_item::<Person>(item).unwrap_err();
    assert!(e.message().contains("missing field `name`"), "{e}");

    let mut item = to_item(&person()).unwrap();
    item.insert("shape".into(), AttributeValue::n(1));
    let e = from_item::<Person>(item).unwrap_err();
    assert_eq!(e.path(), "shape");
    assert!(e.message().contains("enum Shape"), "{e}");

    let mut item = to_item(&person()).unwrap();
    item.insert("admin".into(), AttributeValue::default());
    let e = from_item::<Person>(item).unwrap_err();
    assert_eq!(e.path(), "admin");
    assert!(e.message().contains("no type set"), "{e}");

    let two = AttributeValue {
        s: Some("a".into()),
        n: Some("1".into()),
        ..Default::default()
    };
    let e = from_attribute_value::<String>(two).unwrap_err();
    assert!(e.message().contains("several types set (S, N)"), "{e}");

    let e = from_attribute_value::<i64>(AttributeValue::n("twelve")).unwrap_err();
    assert!(e.message().contains("\"twelve\" is not a number"), "{e}");
    let e = from_attribute_value::<f64>(AttributeValue::n("NaN")).unwrap_err();
    assert!(e.message().contains("is not a number"), "{e}");

    let e = from_attribute_value::<(i32, i32)>(AttributeValue::l([
        AttributeValue::n(1),
        AttributeValue::n(2),
        AttributeValue::n(3),
    ]))
    .unwrap_err();
    assert!(e.message().contains("invalid length 3"), "{e}");
}

#[test]
fn write_errors_name_the_field() {
    #[derive(Serialize)]
    struct Reading {
        values: Vec<f64>,
    }
    let e = to_item(&Reading {
        values: vec![1.0, f64::NAN],
    })
    .unwrap_err();
    assert_eq!(e.path(), "values[1]");
    assert!(e.message().contains("NaN cannot be stored"), "{e}");

    let e = to_item(&HashMap::from([((1, 2), "pair")])).unwrap_err();
    assert!(e.message().contains("map key must be a string"), "{e}");

    let e = to_item("just a string").unwrap_err();
    assert!(e.message().contains("written as S"), "{e}");
    let e = to_item(&vec![1]).unwrap_err();
    assert!(e.message().contains("written as L"), "{e}");
}

/// JSON equality with numbers compared by value: a float that is an integer (`2.0`) is
/// written as `N "2"` and read back, untyped, as the integer 2.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Wide {
    a: i8,
    b: u16,
    c: i64,
    d: u64,
    e: i128,
    f: u128,
    g: f32,
    h: f64,
    s: String,
    o: Option<i32>,
    l: Vec<u32>,
    r: Raw,
    blob: Blob,
}

prop_compose! {
    fn wide()(
        a in any::<i8>(), b in any::<u16>(), c in any::<i64>(), d in any::<u64>(),
        e in any::<i128>(), f in any::<u128>(),
        g in any::<f32>().prop_filter("finite", |x| x.is_finite()),
        h in any::<f64>().prop_filter("finite", |x| x.is_finite()),
        s in ".{0,16}", o in any::<Option<i32>>(), l in prop::collection::vec(any::<u32>(), 0..5),
        r in prop::collection::vec(any::<u8>(), 0..8),
        blob in prop::collection::vec(any::<u8>(), 0..8),
    ) -> Wide {
        Wide { a, b, c, d, e, f, g, h, s, o, l, r: Raw(r), blob: Blob::from(blob) }
    }
}

proptest! {
    #[test]
    fn typed_values_round_trip(w in wide()) {
        let back: Wide = from_item(to_item(&w).unwrap()).unwrap();
        // Bit-for-bit for floats too (-0.0 included), which `==` would not tell apart.
        prop_assert_eq!(back.g.to_bits(), w.g.to_bits());
        prop_assert_eq!(back.h.to_bits(), w.h.to_bits());
        prop_assert_eq!(back, w);
    }

    #[test]
    fn json_values_round_trip(v in json_value()) {
        let back: Value = from_attribute_value(to_attribute_value(&v).unwrap()).unwrap();
        prop_assert!(same(&back, &v), "{} became {}", v, back);
    }

    #[test]
    fn integral_decimals_read_as_integers(i in any::<i64>(), zeros in 0usize..4, exp in 0u32..3) {
        // i × 10^exp written as "<i>.<zeros>e<exp>" reads back as the integer.
        let text = format!("{i}.{}e{exp}", "0".repeat(zeros));
        let want = i128::from(i) * 10i128.pow(exp);
        prop_assert_eq!(from_attribute_value::<i128>(AttributeValue::n(&text)).unwrap(), want);
    }

    #[test]
    fn arbitrary_number_text_never_panics(text in "[-+0-9.eE]{0,12}") {
        let _ = from_attribute_value::<i64>(AttributeValue::n(&text));
        let _ = from_attribute_value::<Value>(AttributeValue::n(&text));
    }
}

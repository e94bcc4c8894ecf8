//! Exact expression text, placeholders, precedence, and merging into requests.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use super::*;
use crate::types::AttributeValue;

fn render(
    c: &Condition,
) -> (
    String,
    HashMap<String, String>,
    HashMap<String, AttributeValue>,
) {
    let mut ex = Expressions::new();
    let text = ex.condition(c);
    let (names, values) = ex.into_maps();
    (text, names, values)
}

fn text(c: &Condition) -> String {
    render(c).0
}

fn names(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn comparisons() {
    assert_eq!(text(&attr("a").eq(1)), "#n0 = :v0");
    assert_eq!(text(&attr("a").ne(1)), "#n0 <> :v0");
    assert_eq!(text(&attr("a").lt(1)), "#n0 < :v0");
    assert_eq!(text(&attr("a").lte(1)), "#n0 <= :v0");
    assert_eq!(text(&attr("a").gt(1)), "#n0 > :v0");
    assert_eq!(text(&attr("a").gte(1)), "#n0 >= :v0");
    assert_eq!(text(&attr("a").between(1, 9)), "#n0 BETWEEN :v0 AND :v1");
    assert_eq!(text(&attr("a").is_in([1, 2, 3])), "#n0 IN (:v0, :v1, :v2)");
}

#[test]
fn functions() {
    assert_eq!(text(&attr("a").begins_with("x")), "begins_with(#n0, :v0)");
    assert_eq!(text(&attr("a").contains("x")), "contains(#n0, :v0)");
    assert_eq!(text(&attr("a").exists()), "attribute_exists(#n0)");
    assert_eq!(text(&attr("a").not_exists()), "attribute_not_exists(#n0)");
    let (t, _, v) = render(&attr("a").attribute_type(AttrType::Ss));
    assert_eq!(t, "attribute_type(#n0, :v0)");
    assert_eq!(v[":v0"], AttributeValue::s("SS"));
}

#[test]
fn size_compares_the_length() {
    assert_eq!(text(&attr("tags").size().gt(2)), "size(#n0) > :v0");
    assert_eq!(
        text(&attr("a.b").size().between(1, 3)),
        "size(#n0.#n1) BETWEEN :v0 AND :v1"
    );
    assert_eq!(
        text(&attr("s").size().is_in([1, 2])),
        "size(#n0) IN (:v0, :v1)"
    );
    assert_eq!(text(&attr("s").size().ne(0)), "size(#n0) <> :v0");
}

#[test]
fn names_and_values_maps() {
    let (t, n, v) = render(&(attr("status").eq("open") & attr("count").gte(3u8)));
    assert_eq!(t, "#n0 = :v0 AND #n1 >= :v1");
    assert_eq!(n, names(&[("#n0", "status"), ("#n1", "count")]));
    assert_eq!(v[":v0"], AttributeValue::s("open"));
    assert_eq!(v[":v1"], AttributeValue::n(3));
    assert_eq!(v.len(), 2);
}

#[test]
fn reserved_words_and_odd_names_are_always_placeholders() {
    let (t, n, _) = render(&attr("name").eq("x"));
    assert_eq!(t, "#n0 = :v0");
    assert_eq!(n["#n0"], "name");
    let (_, n, _) = render(&attr("my attr-1").exists());
    assert_eq!(n["#n0"], "my attr-1");
}

#[test]
fn paths_split_per_segment_and_names_are_shared() {
    let (t, n, _) = render(&attr("a.b[2].c").eq(1));
    assert_eq!(t, "#n0.#n1[2].#n2 = :v0");
    assert_eq!(n, names(&[("#n0", "a"), ("#n1", "b"), ("#n2", "c")]));

    let (t, n, v) = render(&(attr("a.a").gt(1) & attr("list[0][1]").lt(attr_value(2))));
    assert_eq!(t, "#n0.#n0 > :v0 AND #n1[0][1] < :v1");
    assert_eq!(n.len(), 2);
    assert_eq!(v.len(), 2);
}

fn attr_value(n: i32) -> AttributeValue {
    AttributeValue::n(n)
}

#[test]
fn text_that_is_no_path_is_one_name() {
    for odd in ["a..b", "a[x]", "[1]", "a[1", "a]", "", "a[1]b"] {
        assert!(Attr::try_new(odd).is_err(), "{odd:?}");
        let (t, n, _) = render(&attr(odd).exists());
        assert_eq!(t, "attribute_exists(#n0)", "{odd:?}");
        assert_eq!(n["#n0"], odd);
    }
    let e = Attr::try_new("a[x]").unwrap_err();
    assert_eq!(e.path(), "a[x]");
    assert!(e.to_string().contains("digits"), "{e}");
    assert_eq!(
        Attr::try_new("a[99999999999999999999999]")
            .unwrap_err()
            .path(),
        "a[99999999999999999999999]"
    );
    // `Attr::name` never splits.
    let (t, n, _) = render(&Attr::name("a.b").eq(1));
    assert_eq!(t, "#n0 = :v0");
    assert_eq!(n["#n0"], "a.b");
}

#[test]
fn precedence_and_parentheses() {
    let (a, b, c) = (attr("a").eq(1), attr("b").eq(2), attr("c").eq(3));
    assert_eq!(
        text(&(a.clone() & b.clone() & c.clone())),
        "#n0 = :v0 AND #n1 = :v1 AND #n2 = :v2"
    );
    assert_eq!(
        text(&(a.clone() | b.clone() | c.clone())),
        "#n0 = :v0 OR #n1 = :v1 OR #n2 = :v2"
    );
    // Rust groups `&` before `|`; the text says so explicitly.
    assert_eq!(
        text(&(a.clone() | b.clone() & c.clone())),
        "#n0 = :v0 OR (#n1 = :v1 AND #n2 = :v2)"
    );
    assert_eq!(
        text(&((a.clone() | b.clone()) & c.clone())),
        "(#n0 = :v0 OR #n1 = :v1) AND #n2 = :v2"
    );
    assert_eq!(
        text(&(a.clone() & (b.clone() | c.clone()))),
        "#n0 = :v0 AND (#n1 = :v1 OR #n2 = :v2)"
    );
    assert_eq!(text(&!a.clone()), "NOT #n0 = :v0");
    assert_eq!(
        text(&!(a.clone() & b.clone())),
        "NOT (#n0 = :v0 AND #n1 = :v1)"
    );
    assert_eq!(
        text(&!(a.clone() | b.clone())),
        "NOT (#n0 = :v0 OR #n1 = :v1)"
    );
    assert_eq!(text(&!!a.clone()), "NOT (NOT #n0 = :v0)");
    assert_eq!(
        text(&(!a.clone() & !b.clone() | c.clone())),
        "(NOT #n0 = :v0 AND NOT #n1 = :v1) OR #n2 = :v2"
    );
}

#[test]
fn values_convert_from_plain_rust() {
    let (_, _, v) = render(
        &(attr("s").eq("x")
            & attr("o").eq(String::from("y"))
            & attr("i").eq(-5i64)
            & attr("u").eq(u128::MAX)
            & attr("f").eq(1.5)
            & attr("t").eq(true)
            & attr("b").eq(vec![1u8, 2])
            & attr("n").eq(None::<&str>)
            & attr("av").eq(AttributeValue::ss(["p", "q"]))),
    );
    assert_eq!(v[":v0"], AttributeValue::s("x"));
    assert_eq!(v[":v1"], AttributeValue::s("y"));
    assert_eq!(v[":v2"].as_n(), Some("-5"));
    assert_eq!(
        v[":v3"].as_n(),
        Some("340282366920938463463374607431768211455")
    );
    assert_eq!(v[":v4"].as_n(), Some("1.5"));
    assert_eq!(v[":v5"], AttributeValue::bool(true));
    assert_eq!(v[":v6"], AttributeValue::b(vec![1u8, 2]));
    assert_eq!(v[":v7"], AttributeValue::null());
    assert_eq!(v[":v8"], AttributeValue::ss(["p", "q"]));
}

#[test]
fn key_conditions() {
    let mut ex = Expressions::new();
    let k = key("pk").eq("u") & key("sk").between(1, 5);
    assert_eq!(
        ex.key_condition(&k),
        "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2"
    );
    for (k, want) in [
        (key("s").lt(1), "#n0 < :v0"),
        (key("s").lte(1), "#n0 <= :v0"),
        (key("s").gt(1), "#n0 > :v0"),
        (key("s").gte(1), "#n0 >= :v0"),
        (key("s").begins_with("x"), "begins_with(#n0, :v0)"),
    ] {
        assert_eq!(Expressions::new().key_condition(&k), want);
    }
    // A key name is never a path.
    let mut ex = Expressions::new();
    assert_eq!(ex.key_condition(&key("a.b").eq(1)), "#n0 = :v0");
    assert_eq!(ex.names()["#n0"], "a.b");
    // As a condition (for a conditional write).
    let c: Condition = (key("pk").eq("u") & key("sk").begins_with("x")).into();
    assert_eq!(text(&c), "#n0 = :v0 AND begins_with(#n1, :v1)");
    assert_eq!(text(&Condition::from(key("pk").eq(1))), "#n0 = :v0");
}

#[test]
fn one_expressions_shares_placeholders_across_clauses() {
    let mut ex = Expressions::new();
    let k = ex.key_condition(&key("pk").eq("u"));
    let f = ex.condition(&(attr("pk").ne("v") & attr("n").gt(1)));
    let p = ex.projection(&[attr("n"), attr("x.y")]);
    assert_eq!(k, "#n0 = :v0");
    assert_eq!(f, "#n0 <> :v1 AND #n1 > :v2");
    assert_eq!(p, "#n1, #n2.#n3");
    assert_eq!(ex.path(&attr("x.y[1]")), "#n2.#n3[1]");
    assert_eq!(ex.names().len(), 4);
    assert_eq!(ex.values().len(), 3);
}

#[test]
fn existing_maps_and_reserved_text_are_never_reused() {
    let existing_names = names(&[("#n0", "other"), ("#n2", "status"), ("#x", "status")]);
    let existing_values = HashMap::from([(":v0".to_owned(), AttributeValue::n(1))]);
    let mut ex = Expressions::with_maps(existing_names, existing_values);
    ex.reserve("#n1 = :v1 AND #weird_1 > :v2");
    let t = ex.condition(&(attr("status").eq("a") & attr("fresh").eq("b")));
    // `status` keeps the smallest of its placeholders; `fresh` skips #n0..#n2; values
    // skip :v0 (in the map) and :v1, :v2 (reserved).
    assert_eq!(t, "#n2 = :v3 AND #n3 = :v4");
    let (n, v) = ex.into_maps();
    assert_eq!(n["#n0"], "other");
    assert_eq!(n["#n3"], "fresh");
    assert_eq!(v[":v0"], AttributeValue::n(1));
    assert_eq!(v.len(), 3);
}

mod on_requests {
    use super::*;
    use crate::DynamoDbClient;
    use session_core::{Env, Session};

    fn client() -> DynamoDbClient {
        let session = Session::builder()
            .env(Env::from_vars([("AWS_REGION", "us-east-1")]))
            .config_file_contents("")
            .credentials_file_contents("")
            .access_key_id("AKIDCONDITIONS")
            .secret_access_key("conditions-secret")
            .build()
            .unwrap();
        DynamoDbClient::new(&session).unwrap()
    }

    #[test]
    fn query_key_condition_filter_and_projection_do_not_collide() {
        let q = client()
            .query()
            .table_name("t")
            .projection_expression("#n0, #p")
            .expression_attribute_names(names(&[("#n0", "name"), ("#p", "price")]))
            .filter(attr("price").gt(5) | attr("name").begins_with("A"))
            .key_condition(key("pk").eq("u") & key("sk").gte(3));
        let input = q.as_input();
        assert_eq!(
            input.filter_expression.as_deref(),
            Some("#p > :v0 OR begins_with(#n0, :v1)")
        );
        assert_eq!(
            input.key_condition_expression.as_deref(),
            Some("#n1 = :v2 AND #n2 >= :v3")
        );
        let n = input.expression_attribute_names.as_ref().unwrap();
        assert_eq!(
            *n,
            names(&[
                ("#n0", "name"),
                ("#p", "price"),
                ("#n1", "pk"),
                ("#n2", "sk")
            ])
        );
        assert_eq!(input.expression_attribute_values.as_ref().unwrap().len(), 4);
    }

    #[test]
    fn repeated_clauses_join_with_and() {
        let q = client()
            .query()
            .key_condition(key("pk").eq("u"))
            .key_condition(key("sk").lt(9))
            .filter(attr("a").eq(1) | attr("b").eq(2))
            .filter(attr("c").exists());
        let input = q.as_input();
        assert_eq!(
            input.key_condition_expression.as_deref(),
            Some("#n0 = :v0 AND #n1 < :v1")
        );
        assert_eq!(
            input.filter_expression.as_deref(),
            Some("(#n2 = :v2 OR #n3 = :v3) AND (attribute_exists(#n4))")
        );
    }

    #[test]
    fn a_hand_written_expression_without_maps_is_respected() {
        let s = client()
            .scan()
            .filter_expression("#n0 = :v0")
            .filter(attr("x").eq(1));
        let input = s.as_input();
        assert_eq!(
            input.filter_expression.as_deref(),
            Some("(#n0 = :v0) AND (#n1 = :v1)")
        );
        assert_eq!(
            *input.expression_attribute_names.as_ref().unwrap(),
            names(&[("#n1", "x")])
        );
    }

    #[test]
    fn a_condition_without_values_leaves_the_values_unset() {
        let p = client().put_item().condition(attr("pk").not_exists());
        assert_eq!(
            p.as_input().condition_expression.as_deref(),
            Some("attribute_not_exists(#n0)")
        );
        assert!(p.as_input().expression_attribute_values.is_none());
        let d = client().delete_item().condition(key("pk").eq(1));
        assert_eq!(
            d.as_input().condition_expression.as_deref(),
            Some("#n0 = :v0")
        );
    }

    #[test]
    fn update_condition_keeps_clear_of_the_update_expression() {
        let u = client()
            .update_item()
            .update_expression("SET #n0 = :v0")
            .expression_attribute_names(names(&[("#n0", "count")]))
            .expression_attribute_values(HashMap::from([(":v0".to_owned(), AttributeValue::n(1))]))
            .condition(attr("count").lt(10) & attr("state").eq("open"));
        let input = u.as_input();
        assert_eq!(
            input.condition_expression.as_deref(),
            Some("#n0 < :v1 AND #n1 = :v2")
        );
        assert_eq!(input.expression_attribute_values.as_ref().unwrap().len(), 3);
    }
}

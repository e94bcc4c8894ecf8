//! `keys(Member)` of an `operationContextParams` path read straight from a JSON request
//! body: the member's keys, every value skipped unparsed. DynamoDB's BatchGetItem and
//! BatchWriteItem name their `ResourceArnList` so; reading the whole input into a JSON tree
//! for it cost four times the rest of writing the request (benches/context_paths.rs).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::shapes::{Operation, Protocol, Service};

/// The keys `path` names, when it is `keys(Member)` over a top-level input member of a JSON
/// protocol's body; `None` for any other path (the caller evaluates it in full), and for a
/// body that does not parse.
pub(crate) fn json_keys(
    service: &'static Service,
    op: &'static Operation,
    body: &[u8],
    path: &str,
) -> Option<Vec<String>> {
    if !matches!(service.protocol, Protocol::Json10 | Protocol::Json11) {
        return None;
    }
    let member = path.strip_prefix("keys(")?.strip_suffix(')')?;
    let input = service.shape(op.input?);
    let wire = input.member(member)?.wire;
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = de.deserialize_map(Top(wire)).ok()?;
    // A member left unset has no keys: the parameter is an empty list, as the full
    // evaluation gives nothing for it either.
    Some(found.unwrap_or_default())
}

/// The body's top level: the keys of member `.0`'s map.
struct Top<'w>(&'w str);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Option<Vec<String>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.0 {
                found = Some(map.next_value::<Keys>()?.0);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// A map's keys, its values skipped.
struct Keys(Vec<String>);

impl<'de> de::Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dynamodb() -> &'static Service {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../models/dynamodb/service-2.json"
        );
        let text = std::fs::read_to_string(path).expect("the vendored model");
        crate::model::build("dynamodb", &text, &Default::default()).expect("it builds")
    }

    #[test]
    fn keys_come_from_the_body_without_its_values() {
        let service = dynamodb();
        let op = service.operation("BatchGetItem").expect("the operation");
        let body = br#"{"ReturnConsumedCapacity":"TOTAL","RequestItems":{"t\u0031":{"Keys":[{"a":{"S":"}"}}]},"arn:aws:dynamodb:us-east-1:1:table/t2":{}}}"#;
        assert_eq!(
            json_keys(service, op, body, "keys(RequestItems)"),
            Some(vec![
                "t1".to_owned(),
                "arn:aws:dynamodb:us-east-1:1:table/t2".to_owned()
            ])
        );
        // Unset: no keys. Not `keys(..)` of a member, or a broken body: evaluated in full.
        assert_eq!(
            json_keys(service, op, b"{}", "keys(RequestItems)"),
            Some(vec![])
        );
        assert_eq!(json_keys(service, op, body, "RequestItems"), None);
        assert_eq!(json_keys(service, op, body, "keys(NoSuchMember)"), None);
        assert_eq!(
            json_keys(service, op, b"{\"RequestItems\": [", "keys(RequestItems)"),
            None
        );
    }
}

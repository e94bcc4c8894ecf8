//! Shared by the integration tests: the key schemas their tables use.

#![allow(dead_code)] // each test file uses some of these

use services_dynamodb::operations::CreateTableCall;
use services_dynamodb::resources::Table;
use services_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use services_dynamodb::DynamoDbClient;

/// Sets a pay-per-request key schema: the first key is the partition key, the second (if
/// any) the sort key.
pub(crate) fn keyed<R>(
    call: CreateTableCall<R>,
    keys: &[(&str, ScalarAttributeType)],
) -> CreateTableCall<R> {
    let definitions: Vec<_> = keys
        .iter()
        .map(|(name, ty)| AttributeDefinition {
            attribute_name: Some((*name).into()),
            attribute_type: Some(ty.clone()),
        })
        .collect();
    let schema: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, (name, _))| KeySchemaElement {
            attribute_name: Some((*name).into()),
            key_type: Some(if i == 0 {
                KeyType::Hash
            } else {
                KeyType::Range
            }),
        })
        .collect();
    call.attribute_definitions(definitions)
        .key_schema(schema)
        .billing_mode(BillingMode::PayPerRequest)
}

/// `pk` (string) only.
pub(crate) fn pk<R>(call: CreateTableCall<R>) -> CreateTableCall<R> {
    keyed(call, &[("pk", ScalarAttributeType::S)])
}

/// `pk` (string) and `sk` (number).
pub(crate) fn pk_sk<R>(call: CreateTableCall<R>) -> CreateTableCall<R> {
    keyed(
        call,
        &[
            ("pk", ScalarAttributeType::S),
            ("sk", ScalarAttributeType::N),
        ],
    )
}

/// A new `pk`/`sk` table named `name` on the shared moto (signatures checked), as a resource.
pub(crate) async fn pk_sk_table(name: &str) -> Table {
    let moto = session_testkit::Moto::shared_with_auth();
    let ddb = DynamoDbClient::new(&moto.session(None)).unwrap().resource();
    pk_sk(ddb.create_table().table_name(name))
        .send()
        .await
        .unwrap()
}

//! The generated DynamoDB API against moto with signature checking on: tables, items,
//! query, scan (paginated), batch and transactions, modeled errors.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;

use futures_util::TryStreamExt as _;
use services_dynamodb::operations::{GetItemError, PutItemError};
use services_dynamodb::types::{
    AttributeValue, Put, PutRequest, TableStatus, TransactWriteItem, WriteRequest,
};
use services_dynamodb::DynamoDbClient;
use session_testkit::Moto;

fn item(pk: &str, sk: u32, extra: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::s(pk)),
        ("sk".to_owned(), AttributeValue::n(sk)),
        ("extra".to_owned(), AttributeValue::s(extra)),
    ])
}

async fn create_table(ddb: &DynamoDbClient, name: &str) {
    let created = support::pk_sk(ddb.create_table().table_name(name))
        .send()
        .await
        .unwrap();
    let desc = created.table_description.unwrap();
    assert_eq!(desc.table_name.as_deref(), Some(name));
    assert!(matches!(
        desc.table_status,
        Some(TableStatus::Active | TableStatus::Creating)
    ));
}

#[test]
fn tables_items_query_scan_batch_transact() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = DynamoDbClient::new(&session).unwrap();
        create_table(&ddb, "things").await;

        let tables = ddb.list_tables().send().await.unwrap();
        assert_eq!(tables.table_names, Some(vec!["things".to_owned()]));
        let described = ddb
            .describe_table()
            .table_name("things")
            .send()
            .await
            .unwrap();
        assert_eq!(described.table.unwrap().key_schema.unwrap().len(), 2);

        ddb.put_item()
            .table_name("things")
            .item(item("a", 1, "first"))
            .send()
            .await
            .unwrap();
        let got = ddb
            .get_item()
            .table_name("things")
            .key(HashMap::from([
                ("pk".to_owned(), AttributeValue::s("a")),
                ("sk".to_owned(), AttributeValue::n(1)),
            ]))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert_eq!(got.item.unwrap()["extra"].as_s(), Some("first"));

        // A condition that fails is the modeled error, with its code and message.
        let e = ddb
            .put_item()
            .table_name("things")
            .item(item("a", 1, "again"))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(PutItemError::ConditionalCheckFailedException(_))
            ),
            "{e:?}"
        );
        assert_eq!(e.code(), Some("ConditionalCheckFailedException"));

        // BatchWriteItem: 30 items in two calls (25 is the limit per call).
        let requests: Vec<WriteRequest> = (2..32)
            .map(|n| WriteRequest {
                put_request: Some(PutRequest {
                    item: Some(item("a", n, "batch")),
                }),
                ..Default::default()
            })
            .collect();
        for chunk in requests.chunks(25) {
            let out = ddb
                .batch_write_item()
                .request_items(HashMap::from([("things".to_owned(), chunk.to_vec())]))
                .send()
                .await
                .unwrap();
            assert!(out.unprocessed_items.unwrap_or_default().is_empty());
        }

        // TransactWriteItems with a client token filled in for us.
        let call = ddb
            .transact_write_items()
            .transact_items([TransactWriteItem {
                put: Some(Put {
                    table_name: Some("things".into()),
                    item: Some(item("b", 1, "transact")),
                    ..Default::default()
                }),
                ..Default::default()
            }]);
        assert!(call.as_input().client_request_token.is_none());
        call.send().await.unwrap();

        // Query over several pages (page size 7) through the paginator: 31 items for "a".
        let items: Vec<_> = ddb
            .query()
            .table_name("things")
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(HashMap::from([(
                ":pk".to_owned(),
                AttributeValue::s("a"),
            )]))
            .limit(7)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items.len(), 31);
        let sks: Vec<u32> = items
            .iter()
            .map(|i| i["sk"].as_n().unwrap().parse().unwrap())
            .collect();
        assert_eq!(sks, (1..32).collect::<Vec<_>>());

        let pages: Vec<_> = ddb
            .scan()
            .table_name("things")
            .limit(10)
            .into_paginator()
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert!(pages.len() >= 4, "{} pages", pages.len());
        let scanned: i32 = pages.iter().map(|p| p.count.unwrap_or(0)).sum();
        assert_eq!(scanned, 32);

        // UpdateItem, DeleteItem, BatchGetItem, TransactGetItems.
        let key = |pk: &str, sk: u32| {
            HashMap::from([
                ("pk".to_owned(), AttributeValue::s(pk)),
                ("sk".to_owned(), AttributeValue::n(sk)),
            ])
        };
        let updated = ddb
            .update_item()
            .table_name("things")
            .key(key("a", 1))
            .update_expression("SET extra = :v")
            .expression_attribute_values(HashMap::from([(
                ":v".to_owned(),
                AttributeValue::s("updated"),
            )]))
            .return_values(services_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await
            .unwrap();
        assert_eq!(updated.attributes.unwrap()["extra"].as_s(), Some("updated"));
        ddb.delete_item()
            .table_name("things")
            .key(key("a", 2))
            .send()
            .await
            .unwrap();
        let batch = ddb
            .batch_get_item()
            .request_items(HashMap::from([(
                "things".to_owned(),
                services_dynamodb::types::KeysAndAttributes {
                    keys: Some(vec![key("a", 1), key("a", 2), key("a", 3)]),
                    ..Default::default()
                },
            )]))
            .send()
            .await
            .unwrap();
        assert_eq!(batch.responses.unwrap()["things"].len(), 2);
        let tx = ddb
            .transact_get_items()
            .transact_items([services_dynamodb::types::TransactGetItem {
                get: Some(services_dynamodb::types::Get {
                    table_name: Some("things".into()),
                    key: Some(key("b", 1)),
                    ..Default::default()
                }),
            }])
            .send()
            .await
            .unwrap();
        assert_eq!(
            tx.responses.unwrap()[0].item.as_ref().unwrap()["extra"].as_s(),
            Some("transact")
        );
        // Restore the deleted item so the counts below hold.
        ddb.put_item()
            .table_name("things")
            .item(item("a", 2, "batch"))
            .send()
            .await
            .unwrap();

        // A missing table is a modeled error of GetItem.
        let e = ddb
            .get_item()
            .table_name("missing")
            .key(HashMap::from([("pk".to_owned(), AttributeValue::s("a"))]))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(GetItemError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );

        // A required member left unset: nothing is sent, the error names it.
        let e = ddb
            .get_item()
            .table_name("things")
            .send()
            .await
            .unwrap_err();
        assert!(e.is_request());
        assert!(e.to_string().contains("Key"), "{e}");

        ddb.delete_table()
            .table_name("things")
            .send()
            .await
            .unwrap();
        let tables = ddb.list_tables().send().await.unwrap();
        assert_eq!(tables.table_names.unwrap_or_default(), Vec::<String>::new());
    });
}

#[test]
fn wrong_secret_is_refused() {
    let moto = Moto::shared_with_auth();
    let session = moto.session(Some("not-the-secret"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = DynamoDbClient::new(&session).unwrap();
        let e = ddb.list_tables().send().await.unwrap_err();
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e:?}");
    });
}

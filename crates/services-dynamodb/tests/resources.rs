//! DynamoDB resources (first slice) against moto with signature checking on.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;

use services_dynamodb::types::AttributeValue;
use services_dynamodb::DynamoDbClient;

#[test]
fn tables_as_resources() {
    let moto = session_testkit::Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = DynamoDbClient::new(&moto.session(None)).unwrap().resource();
        support::pk(ddb.create_table().table_name("resource-table"))
            .send()
            .await
            .unwrap();
        let table = ddb.table("resource-table");
        use futures_util::TryStreamExt as _;
        let tables: Vec<_> = ddb
            .tables()
            .page_size(1)
            .items()
            .try_collect()
            .await
            .unwrap();
        assert!(tables.contains(&table), "{tables:?}");
        let pages: Vec<_> = ddb
            .tables()
            .page_size(1)
            .pages()
            .try_collect()
            .await
            .unwrap();
        assert!(pages.iter().all(|p| p.len() <= 1));
        let loaded = table.load().await.unwrap();
        assert_eq!(
            loaded.data().unwrap().table_name.as_deref(),
            Some("resource-table")
        );
        table
            .put_item()
            .item(HashMap::from([("pk".to_owned(), AttributeValue::s("a"))]))
            .send()
            .await
            .unwrap();
        let got = table
            .get_item()
            .key(HashMap::from([("pk".to_owned(), AttributeValue::s("a"))]))
            .send()
            .await
            .unwrap();
        assert!(got.item.is_some());
        table.delete().send().await.unwrap();
    });
}

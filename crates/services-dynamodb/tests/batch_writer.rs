//! The batch writer against moto with signature checking on: 100 puts in four calls,
//! then a count; de-duplication by key; deletes.

#![allow(clippy::unwrap_used)]

mod support;

use serde::{Deserialize, Serialize};
use services_dynamodb::resources::Table;
use services_dynamodb::types::Select;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Row {
    pk: String,
    sk: u32,
    payload: String,
}

async fn table(name: &str) -> Table {
    support::pk_sk_table(name).await
}

async fn count(table: &Table) -> i32 {
    let out = table
        .scan()
        .select(Select::Count)
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.count.unwrap()
}

#[test]
fn a_hundred_puts_then_deletes() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let table = table("batch-writer-hundred").await;
        let mut writer = table.batch_writer();
        for sk in 0..100 {
            let row = Row {
                pk: format!("p{}", sk % 4),
                sk,
                payload: "x".repeat(sk as usize),
            };
            writer.put(&row).await.unwrap();
            // Every 25th put sends its group.
            assert_eq!(writer.buffered(), (sk as usize + 1) % 25);
        }
        writer.close().await.unwrap();
        assert_eq!(count(&table).await, 100);

        let back: Option<Row> = table
            .get(&serde_json::json!({"pk": "p3", "sk": 7}))
            .await
            .unwrap();
        assert_eq!(back.unwrap().payload, "xxxxxxx");

        let mut writer = table.batch_writer();
        for sk in 0..30 {
            writer
                .delete(&serde_json::json!({"pk": format!("p{}", sk % 4), "sk": sk}))
                .await
                .unwrap();
        }
        writer.close().await.unwrap();
        assert_eq!(count(&table).await, 70);
        table.delete().send().await.unwrap();
    });
}

#[test]
fn overwrite_by_pkeys_sends_one_request_per_key() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let table = table("batch-writer-dedup").await;
        let row = |sk: u32, payload: &str| Row {
            pk: "same".into(),
            sk,
            payload: payload.into(),
        };

        // DynamoDB refuses a call with two requests for one key; moto accepts it, so the
        // requests actually sent are checked by the stub-transport unit tests, and here
        // the buffer count and the stored result.
        let mut writer = table.batch_writer().overwrite_by_pkeys(["pk", "sk"]);
        writer.put(&row(1, "first")).await.unwrap();
        writer.put(&row(2, "keep")).await.unwrap();
        writer.put(&row(1, "second")).await.unwrap();
        writer.put(&row(3, "gone")).await.unwrap();
        writer
            .delete(&serde_json::json!({"pk": "same", "sk": 3}))
            .await
            .unwrap();
        assert_eq!(writer.buffered(), 3, "one request per key");
        writer.close().await.unwrap();

        assert_eq!(count(&table).await, 2);
        let one: Row = table
            .get(&serde_json::json!({"pk": "same", "sk": 1}))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(one.payload, "second");
        let three: Option<Row> = table
            .get(&serde_json::json!({"pk": "same", "sk": 3}))
            .await
            .unwrap();
        assert_eq!(three, None);
        table.delete().send().await.unwrap();
    });
}

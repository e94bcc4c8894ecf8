//! Conditions, key conditions and serde items against moto with signature checking on:
//! put/get of derived structs, a query with a key condition and a filter, a scan with a
//! filter, a conditional put refused with `ConditionalCheckFailedException`.

#![allow(clippy::unwrap_used)]

mod support;

use futures_util::TryStreamExt as _;
use serde::{Deserialize, Serialize};
use services_dynamodb::conditions::{attr, key, AttrType};
use services_dynamodb::operations::PutItemError;
use services_dynamodb::resources::Table;
use services_dynamodb::ItemCallError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    pk: String,
    sk: u32,
    status: String,
    total: u64,
    tags: Vec<String>,
    // A reserved word as an attribute name: placeholders make it harmless.
    name: Option<String>,
}

fn order(pk: &str, sk: u32, status: &str, total: u64) -> Order {
    Order {
        pk: pk.into(),
        sk,
        status: status.into(),
        total,
        tags: vec![format!("t{}", sk % 3)],
        name: sk.is_multiple_of(2).then(|| format!("order {sk}")),
    }
}

#[derive(Serialize)]
struct OrderKey<'a> {
    pk: &'a str,
    sk: u32,
}

async fn orders_table(name: &str) -> Table {
    support::pk_sk_table(name).await
}

#[test]
fn items_queries_scans_and_conditions_on_moto() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let table = orders_table("expressions-orders").await;

        // put/get with serde structs.
        let mut all = Vec::new();
        for (pk, sk, status, total) in [
            ("alice", 1, "open", 10),
            ("alice", 2, "shipped", 250),
            ("alice", 3, "open", 400),
            ("alice", 4, "open", 40),
            ("alice", 10, "open", 999),
            ("bob", 1, "open", 500),
        ] {
            let o = order(pk, sk, status, total);
            table.put(&o).await.unwrap();
            all.push(o);
        }
        let got: Option<Order> = table.get(&OrderKey { pk: "alice", sk: 3 }).await.unwrap();
        assert_eq!(got.as_ref(), Some(&all[2]));
        let none: Option<Order> = table
            .get(&OrderKey {
                pk: "alice",
                sk: 99,
            })
            .await
            .unwrap();
        assert_eq!(none, None);

        // Query: key condition (partition equality and a sort-key range) and a filter
        // using OR, NOT, size() and a reserved word, with a projection set beforehand.
        let found: Vec<Order> = table
            .query()
            .key_condition(key("pk").eq("alice") & key("sk").between(2, 9))
            .filter(
                (attr("status").eq("open") & attr("total").gte(100))
                    | (attr("status").eq("shipped") & !attr("name").attribute_type(AttrType::Null)),
            )
            .items_as::<Order>()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(found, vec![all[1].clone(), all[2].clone()]);

        // The filter is applied after the key condition: the count reflects it.
        let page = table
            .query()
            .key_condition(key("pk").eq("alice"))
            .filter(attr("tags").size().eq(1) & attr("tags").contains("t1"))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        let sks: Vec<_> = page
            .items
            .unwrap()
            .into_iter()
            .map(|i| i["sk"].as_n().unwrap().to_owned())
            .collect();
        assert_eq!(sks, ["1", "4", "10"]);

        // Scan with a filter across both partitions, paging one item at a time.
        let mut big: Vec<Order> = table
            .scan()
            .limit(1)
            .filter(attr("total").gt(300) & attr("status").is_in(["open", "closed"]))
            .items_as::<Order>()
            .try_collect()
            .await
            .unwrap();
        big.sort_by_key(|o| o.total);
        assert_eq!(big, vec![all[2].clone(), all[5].clone(), all[4].clone()]);

        // A conditional put that fails: the item exists.
        let e = table
            .put_item()
            .item_from(&order("alice", 1, "replaced", 0))
            .unwrap()
            .condition(attr("pk").not_exists())
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
        // ... and one that holds.
        table
            .put_item()
            .item_from(&order("alice", 1, "shipped", 10))
            .unwrap()
            .condition(key("pk").eq("alice") & key("sk").eq(1))
            .condition(attr("status").eq("open"))
            .send()
            .await
            .unwrap();
        let got: Order = table
            .get(&OrderKey { pk: "alice", sk: 1 })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.status, "shipped");

        // Conditional delete and update through the same builders.
        let e = table
            .delete_item()
            .key_from(&OrderKey { pk: "bob", sk: 1 })
            .unwrap()
            .condition(attr("total").lt(100))
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("ConditionalCheckFailedException"));
        table
            .update_item()
            .key_from(&OrderKey { pk: "bob", sk: 1 })
            .unwrap()
            .update_expression("SET #n0 = :v0")
            .expression_attribute_names([("#n0".to_owned(), "status".to_owned())])
            .expression_attribute_values([(
                ":v0".to_owned(),
                services_dynamodb::types::AttributeValue::s("closed"),
            )])
            .condition(attr("status").eq("open") & attr("total").between(100, 1000))
            .send()
            .await
            .unwrap();
        let bob: Order = table
            .get(&OrderKey { pk: "bob", sk: 1 })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(bob.status, "closed");
        table
            .delete_key(&OrderKey { pk: "bob", sk: 1 })
            .await
            .unwrap();
        assert!(table
            .get::<Order, _>(&OrderKey { pk: "bob", sk: 1 })
            .await
            .unwrap()
            .is_none());

        // An item that does not fit the type is an item error naming the field.
        let e = table
            .get::<OrderKeyOnly, _>(&OrderKey { pk: "alice", sk: 2 })
            .await
            .unwrap_err();
        match e {
            ItemCallError::Item(item) => assert_eq!(item.path(), "status"),
            other => panic!("{other:?}"),
        }
        // A value that is no item is refused before anything is sent.
        let e = table.put(&5).await.unwrap_err();
        assert!(e.as_item().is_some(), "{e:?}");

        table.delete().send().await.unwrap();
    });
}

/// Reads `status` as a number, to make reading fail.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct OrderKeyOnly {
    pk: String,
    status: u32,
}

//! Items as serde values against moto (signature checking on): a derived struct goes in
//! with `to_item` and comes back typed with `from_item`, through DynamoDB's own number,
//! binary and null handling.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use services_dynamodb::types::AttributeValue;
use services_dynamodb::{from_item, to_attribute_value, to_item, Blob, DynamoDbClient};
use session_testkit::Moto;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Plan {
    Free,
    Paid { seats: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Account {
    pk: String,
    sk: u64,
    owner: String,
    balance: i64,
    big: u64,
    rate: f64,
    active: bool,
    closed_at: Option<String>,
    emails: Vec<String>,
    limits: BTreeMap<String, u32>,
    avatar: Blob,
    plan: Plan,
}

#[test]
fn derived_structs_round_trip_through_dynamodb() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = DynamoDbClient::new(&session).unwrap();
        support::pk_sk(ddb.create_table().table_name("accounts"))
            .send()
            .await
            .unwrap();

        let account = Account {
            pk: "acct".into(),
            sk: 7,
            owner: "Ada".into(),
            balance: -1_234_567_890_123,
            // Above 2^53: a trip through f64 anywhere would change it.
            big: u64::MAX - 1,
            rate: 0.1,
            active: true,
            closed_at: None,
            emails: vec!["a@example.com".into(), "b@example.com".into()],
            limits: BTreeMap::from([("api".into(), 100), ("seats".into(), 5)]),
            avatar: Blob::from(&b"\x89PNG\r\n\x1a\n\x00"[..]),
            plan: Plan::Paid { seats: 3 },
        };
        ddb.put_item()
            .table_name("accounts")
            .item(to_item(&account).unwrap())
            .send()
            .await
            .unwrap();

        #[derive(Serialize)]
        struct Key<'a> {
            pk: &'a str,
            sk: u64,
        }
        let got = ddb
            .get_item()
            .table_name("accounts")
            .key(to_item(&Key { pk: "acct", sk: 7 }).unwrap())
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        let item = got.item.unwrap();
        // DynamoDB's own types came back: B for the blob, NULL for None, M for the map.
        assert!(item["avatar"].b.is_some());
        assert_eq!(item["closed_at"], AttributeValue::null());
        assert!(item["limits"].m.is_some());
        let back: Account = from_item(item).unwrap();
        assert_eq!(back, account);

        // A value of the wrong type in the table is a clear error naming the field.
        ddb.update_item()
            .table_name("accounts")
            .key(to_item(&Key { pk: "acct", sk: 7 }).unwrap())
            .update_expression("SET balance = :b")
            .expression_attribute_values(HashMap::from([(
                ":b".to_owned(),
                to_attribute_value("lots").unwrap(),
            )]))
            .send()
            .await
            .unwrap();
        let got = ddb
            .get_item()
            .table_name("accounts")
            .key(to_item(&Key { pk: "acct", sk: 7 }).unwrap())
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        let e = from_item::<Account>(got.item.unwrap()).unwrap_err();
        assert_eq!(e.path(), "balance");
        assert!(e.to_string().contains("expected i64"), "{e}");
    });
}

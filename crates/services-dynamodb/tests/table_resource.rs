//! The DynamoDB `Table` resource's returning actions and waiters against moto with
//! signature checking on.

#![allow(clippy::unwrap_used)]

mod support;

use services_dynamodb::types::BillingMode;
use services_dynamodb::DynamoDb;
use session_tower::SessionClientExt as _;

#[test]
fn create_wait_update_and_delete_a_table() {
    let moto = session_testkit::Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = moto.session(None).resource::<DynamoDb>().unwrap();
        // service.CreateTable → Table, named by the response, carrying its description.
        let table = support::pk(ddb.create_table().table_name("waited-table"))
            .send()
            .await
            .unwrap();
        assert_eq!(table.name(), "waited-table");
        assert_eq!(
            table.data().unwrap().table_name.as_deref(),
            Some("waited-table"),
            "the response's TableDescription is the new handle's data"
        );
        let waited = table.wait_until_exists().wait().await.unwrap();
        assert!(waited.attempts() >= 1);
        // Table.Update → the same Table, with the new description.
        let updated = table
            .update()
            .billing_mode(BillingMode::Provisioned)
            .provisioned_throughput(services_dynamodb::types::ProvisionedThroughput {
                read_capacity_units: Some(5),
                write_capacity_units: Some(5),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(updated, table);
        assert!(updated.data().is_some());
        // boto3's reload(): the same as load().
        let reloaded = table.reload().await.unwrap();
        assert_eq!(
            reloaded.data().unwrap().table_name.as_deref(),
            Some("waited-table")
        );
        table.delete().send().await.unwrap();
        table.wait_until_not_exists().wait().await.unwrap();
        let e = table.load().await.unwrap_err();
        assert_eq!(e.code(), Some("ResourceNotFoundException"), "{e}");
    });
}

#[test]
fn the_generated_description_matches_the_model() {
    let json = services_dynamodb::resources::MODEL.to_json();
    let table = &json["resources"]["Table"];
    assert_eq!(table["identifiers"][0], "Name");
    assert_eq!(table["load"], "DescribeTable");
    assert_eq!(table["actions"].as_array().unwrap().len(), 8);
    assert_eq!(table["waiters"].as_array().unwrap().len(), 2);
    assert_eq!(json["service"]["actions"].as_array().unwrap().len(), 3);
    assert_eq!(json["service"]["collections"][0], "Tables");
}

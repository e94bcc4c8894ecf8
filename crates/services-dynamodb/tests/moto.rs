//! DynamoDB against moto with signature checking on.

#![allow(clippy::unwrap_used)]

use serde_json::json;
use services_dynamodb::DynamoDbClient;
use session_testkit::Moto;

#[test]
fn create_put_get() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = DynamoDbClient::new(&session).unwrap();
        let created = ddb.create_table("things", "id").await.unwrap();
        assert_eq!(created["TableDescription"]["TableName"], "things");
        ddb.put_item("things", json!({"id": {"S": "a1"}, "n": {"N": "42"}}))
            .await
            .unwrap();
        let item = ddb
            .get_item("things", json!({"id": {"S": "a1"}}))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(item["n"]["N"], "42");
        assert!(ddb
            .get_item("things", json!({"id": {"S": "zz"}}))
            .await
            .unwrap()
            .is_none());
        let e = ddb
            .get_item("missing", json!({"id": {"S": "a1"}}))
            .await
            .unwrap_err();
        assert_eq!(
            e.service_error().unwrap().code(),
            Some("ResourceNotFoundException"),
            "{e}"
        );
    });
}

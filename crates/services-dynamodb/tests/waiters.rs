//! The generated DynamoDB waiters against moto (signature checking on): `TableExists` and
//! `TableNotExists` settling, and bounded waits that give up with a clear error.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use services_dynamodb::types::TableStatus;
use services_dynamodb::DynamoDbClient;
use session_testkit::Moto;

async fn create_table(ddb: &DynamoDbClient, name: &str) {
    support::pk(ddb.create_table().table_name(name))
        .send()
        .await
        .unwrap();
}

#[test]
fn table_waiters() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ddb = DynamoDbClient::new(&session).unwrap();

        // Not there yet: TableNotExists settles on the first answer, an error.
        let waited = ddb
            .wait_until_table_not_exists()
            .input(|call| call.table_name("waited"))
            .wait()
            .await
            .unwrap();
        assert_eq!(waited.attempts(), 1);
        assert!(waited.output().is_none());
        assert_eq!(
            waited.error().unwrap().code(),
            Some("ResourceNotFoundException")
        );

        // TableExists on a missing table retries on ResourceNotFoundException until its
        // (here short) total wait runs out.
        let started = Instant::now();
        let e = ddb
            .wait_until_table_exists()
            .input(|call| call.table_name("waited"))
            .max_wait(Duration::from_secs(1))
            .wait()
            .await
            .unwrap_err();
        assert!(e.is_max_wait_exceeded() && e.is_timeout(), "{e:?}");
        assert_eq!(e.attempts(), 2);
        assert!(started.elapsed() >= Duration::from_secs(1));
        assert_eq!(
            e.last_error().unwrap().code(),
            Some("ResourceNotFoundException")
        );
        let text = e.to_string();
        assert!(
            text.contains("TableExists") && text.contains("ResourceNotFoundException"),
            "{text}"
        );

        // Created: moto makes tables ACTIVE at once, so one attempt settles it. (Spawned:
        // a wait is a `Send` future that owns its call.)
        create_table(&ddb, "waited").await;
        let wait = ddb
            .wait_until_table_exists()
            .input(|call| call.table_name("waited"))
            .wait();
        let waited = tokio::spawn(wait).await.unwrap().unwrap();
        assert_eq!(waited.attempts(), 1);
        let table = waited.into_output().unwrap().table.unwrap();
        assert_eq!(table.table_status, Some(TableStatus::Active));

        // TableNotExists on a table that stays: gives up when max_wait runs out, after a
        // last look at the deadline, with an error that says so.
        let started = Instant::now();
        let e = ddb
            .wait_until_table_not_exists()
            .input(|call| call.table_name("waited"))
            .max_wait(Duration::from_secs(2))
            .wait()
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(e.is_max_wait_exceeded(), "{e:?}");
        assert!(!e.is_failure_state() && !e.is_unexpected_error());
        assert!(
            took >= Duration::from_secs(2) && took < Duration::from_secs(10),
            "{took:?}"
        );
        assert_eq!(e.attempts(), 2);
        assert_eq!(e.waiter_name(), "TableNotExists");
        let last = e.last_output().unwrap().table.as_ref().unwrap();
        assert_eq!(last.table_name.as_deref(), Some("waited"));
        let text = e.to_string();
        assert!(
            text.contains("TableNotExists") && text.contains("max wait of 2.0s"),
            "{text}"
        );

        // Deleted: TableNotExists settles.
        ddb.delete_table()
            .table_name("waited")
            .send()
            .await
            .unwrap();
        let waited = ddb
            .wait_until_table_not_exists()
            .input(|call| call.table_name("waited"))
            .max_wait(Duration::from_secs(30))
            .wait()
            .await
            .unwrap();
        assert!(waited.error().is_some());

        // A required member left unset is an error no acceptor expects: the wait ends at
        // once and nothing is sent.
        let e = ddb.wait_until_table_exists().wait().await.unwrap_err();
        assert!(e.is_unexpected_error(), "{e:?}");
        assert!(e.last_error().unwrap().is_request());
        assert!(e.to_string().contains("TableName"), "{e}");
    });
}

//! boto3's `session.client('secretsmanager')` tasks with the dynamic client, against a
//! local moto server (started here with signature checking on): create a secret, read it,
//! change it, list secrets page by page, handle a missing one, describe and delete.
//!
//! Run: `cargo run -p session-dynamic --example any_service`. With real AWS, build the
//! session with `Session::from_env()` and enable the `embed` feature (or point
//! `AWS_SESSION_MODEL_PACK` at models/pack/botocore-1.43.67.pack).

#![allow(clippy::print_stdout)]

use futures_util::TryStreamExt as _;
use serde_json::json;
use session_dynamic::{DynClient, ModelSource, Value};
use session_testkit::Moto;

const PACK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../models/pack/botocore-1.43.67.pack"
);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let moto = Moto::start_with_auth()?;
    let session = moto.session(None);
    // boto3: client = session.client('secretsmanager')
    let client = DynClient::builder(&session, "secretsmanager")
        .models(ModelSource::pack(PACK))
        .build()?;

    // client.create_secret(Name='app/db', SecretString='...')
    let created = client
        .call(
            "CreateSecret",
            json!({"Name": "app/db", "SecretString": "{\"user\":\"admin\",\"password\":\"pw\"}",
                   "Tags": [{"Key": "env", "Value": "dev"}]}),
        )
        .await?;
    println!("created {}", created["ARN"].as_str().unwrap_or_default());

    // client.get_secret_value(SecretId='app/db')['SecretString']
    let value = client
        .call("GetSecretValue", Value::map().with("SecretId", "app/db"))
        .await?;
    let secret: serde_json::Value =
        serde_json::from_str(value["SecretString"].as_str().unwrap_or("{}"))?;
    println!("user = {}", secret["user"]);

    // client.put_secret_value(SecretId='app/db', SecretString='...')
    let put = client
        .call(
            "PutSecretValue",
            Value::map().with("SecretId", "app/db").with(
                "SecretString",
                "{\"user\":\"admin\",\"password\":\"rotated\"}",
            ),
        )
        .await?;
    println!(
        "new version {}",
        put["VersionId"].as_str().unwrap_or_default()
    );

    // for page in client.get_paginator('list_secrets').paginate(): ...
    for i in 0..3 {
        client
            .call(
                "CreateSecret",
                json!({"Name": format!("app/extra-{i}"), "SecretString": "x"}),
            )
            .await?;
    }
    let names: Vec<String> = client
        .paginate_sized("ListSecrets", Value::map(), Some(2))
        .items("SecretList")
        .map_ok(|s| s["Name"].as_str().unwrap_or_default().to_owned())
        .try_collect()
        .await?;
    println!("{} secrets: {names:?}", names.len());

    // except client.exceptions.ResourceNotFoundException as e: e.response['Error']
    match client
        .call(
            "GetSecretValue",
            Value::map().with("SecretId", "app/missing"),
        )
        .await
    {
        Err(e) if e.is_error("ResourceNotFoundException") => println!(
            "missing: {} (request id {})",
            e.message().unwrap_or_default(),
            e.request_id().unwrap_or_default()
        ),
        other => println!("unexpected: {other:?}"),
    }

    // Validation before sending, like botocore's ParamValidator.
    if let Err(e) = client
        .call("CreateSecret", json!({"Name": 7, "SecretStrng": "typo"}))
        .await
    {
        println!("{e}");
    }

    // client.describe_secret(...); client.delete_secret(..., ForceDeleteWithoutRecovery=True)
    let described = client
        .call("DescribeSecret", Value::map().with("SecretId", "app/db"))
        .await?;
    println!("tags: {}", described["Tags"].to_json());
    client
        .call(
            "DeleteSecret",
            Value::map()
                .with("SecretId", "app/db")
                .with("ForceDeleteWithoutRecovery", true),
        )
        .await?;
    println!("deleted app/db");
    Ok(())
}

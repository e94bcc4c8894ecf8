//! The generated Secrets Manager API against moto with signature checking on: a secret
//! created, read, updated (no rotation) and read again at its new version, listed, and a
//! missing secret answered with the modeled `ResourceNotFoundException`.

#![allow(clippy::unwrap_used)]

use services_secretsmanager::operations::GetSecretValueError;
use services_secretsmanager::SecretsManagerClient;
use session_testkit::Moto;

#[test]
fn secret_create_get_update_and_missing() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sm = SecretsManagerClient::new(&moto.session(None)).unwrap();
        let created = sm
            .create_secret()
            .name("app/db")
            .secret_string("first")
            .description("typed crate test")
            .send()
            .await
            .unwrap();
        let arn = created.arn.unwrap();
        assert!(arn.contains("app/db"), "{arn}");
        let v1 = created.version_id.unwrap();

        let got = sm
            .get_secret_value()
            .secret_id("app/db")
            .send()
            .await
            .unwrap();
        assert_eq!(got.secret_string.as_deref(), Some("first"));
        assert_eq!(got.version_id.as_deref(), Some(v1.as_str()));
        // The value is sensitive: Debug never shows it.
        assert!(!format!("{got:?}").contains("first"), "{got:?}");

        let updated = sm
            .put_secret_value()
            .secret_id(&arn)
            .secret_binary(vec![0u8, 1, 2, 0xff])
            .send()
            .await
            .unwrap();
        let v2 = updated.version_id.unwrap();
        assert_ne!(v1, v2);
        let got = sm.get_secret_value().secret_id(&arn).send().await.unwrap();
        assert_eq!(got.version_id.as_deref(), Some(v2.as_str()));
        assert_eq!(
            got.secret_binary.unwrap().as_bytes(),
            &[0u8, 1, 2, 0xff][..]
        );
        let old = sm
            .get_secret_value()
            .secret_id(&arn)
            .version_id(&v1)
            .send()
            .await
            .unwrap();
        assert_eq!(old.secret_string.as_deref(), Some("first"));

        sm.update_secret()
            .secret_id(&arn)
            .description("changed")
            .send()
            .await
            .unwrap();
        let described = sm.describe_secret().secret_id(&arn).send().await.unwrap();
        assert_eq!(described.description.as_deref(), Some("changed"));

        let listed = sm.list_secrets().send().await.unwrap();
        assert!(listed
            .secret_list
            .unwrap()
            .iter()
            .any(|s| s.name.as_deref() == Some("app/db")));

        let e = sm
            .get_secret_value()
            .secret_id("no/such/secret")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(GetSecretValueError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );
    });
}

//! The generated KMS API against moto with signature checking on: a key made, encrypt and
//! decrypt of arbitrary bytes (blobs both ways), an alias, and a modeled error for a key
//! that does not exist.

#![allow(clippy::unwrap_used)]

use services_kms::operations::DescribeKeyError;
use services_kms::types::KeyUsageType;
use services_kms::KmsClient;
use session_testkit::Moto;

#[test]
fn encrypt_decrypt_round_trip_of_bytes() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let kms = KmsClient::new(&moto.session(None)).unwrap();
        let key = kms
            .create_key()
            .description("typed crate test")
            .key_usage(KeyUsageType::EncryptDecrypt)
            .send()
            .await
            .unwrap()
            .key_metadata
            .unwrap();
        let key_id = key.key_id.unwrap();
        kms.create_alias()
            .alias_name("alias/typed-test")
            .target_key_id(&key_id)
            .send()
            .await
            .unwrap();

        // Every byte value, so base64 and the JSON body carry binary faithfully.
        let plaintext: Vec<u8> = (0..=255u8).collect();
        let sealed = kms
            .encrypt()
            .key_id("alias/typed-test")
            .plaintext(plaintext.clone())
            .send()
            .await
            .unwrap();
        let ciphertext = sealed.ciphertext_blob.unwrap();
        assert_ne!(ciphertext.as_bytes(), plaintext.as_slice());
        let opened = kms
            .decrypt()
            .ciphertext_blob(ciphertext)
            .send()
            .await
            .unwrap();
        assert_eq!(opened.plaintext.unwrap().as_bytes(), plaintext.as_slice());
        assert!(opened.key_id.unwrap().contains(&key_id));

        let aliases = kms.list_aliases().send().await.unwrap();
        assert!(aliases
            .aliases
            .unwrap()
            .iter()
            .any(|a| a.alias_name.as_deref() == Some("alias/typed-test")));

        let e = kms
            .describe_key()
            .key_id("00000000-0000-0000-0000-000000000000")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(e.as_service(), Some(DescribeKeyError::NotFoundException(_))),
            "{e:?}"
        );
    });
}

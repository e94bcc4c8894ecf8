//! The generated STS API against moto with signature checking on.

#![allow(clippy::unwrap_used)]

use services_sts::operations::AssumeRoleError;
use services_sts::StsClient;
use session_testkit::Moto;

#[test]
fn get_caller_identity_and_assume_role() {
    let moto = Moto::shared_with_auth();
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sts = StsClient::new(&session).unwrap();
        let who = sts.get_caller_identity().send().await.unwrap();
        assert_eq!(who.account.as_deref(), Some("123456789012"));
        assert!(who.arn.unwrap().starts_with("arn:aws:iam::123456789012:"));

        let assumed = sts
            .assume_role()
            .role_arn("arn:aws:iam::123456789012:role/generated")
            .role_session_name("codegen")
            .duration_seconds(900)
            .send()
            .await
            .unwrap();
        let creds = assumed.credentials.unwrap();
        assert!(creds.access_key_id.unwrap().len() >= 16);
        assert!(creds.expiration.is_some());
        assert_eq!(
            assumed.assumed_role_user.unwrap().arn.as_deref(),
            Some("arn:aws:sts::123456789012:assumed-role/generated/codegen")
        );

        // Required members are checked before anything is sent.
        let e = sts.assume_role().role_arn("x").send().await.unwrap_err();
        assert!(e.is_request());
        assert!(e.to_string().contains("RoleSessionName"), "{e}");
        let _: Option<&AssumeRoleError> = e.as_service();
    });
}

#[test]
fn wrong_secret_is_refused() {
    let moto = Moto::shared_with_auth();
    let session = moto.session(Some("not-the-secret"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sts = StsClient::new(&session).unwrap();
        let e = sts
            .assume_role()
            .role_arn("arn:aws:iam::123456789012:role/x")
            .role_session_name("signed-badly")
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"), "{e:?}");
    });
}

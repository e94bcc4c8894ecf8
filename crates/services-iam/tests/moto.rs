//! The generated IAM API (AWS query, global endpoint) against moto with signature checking
//! on: a user, a role with a trust policy, a managed policy attached to the role and listed
//! back, users listed through the paginator, the role loaded through boto3's resources, and
//! a missing user answered with the modeled `NoSuchEntityException`.

#![allow(clippy::unwrap_used)]

use futures_util::TryStreamExt as _;
use services_iam::operations::GetUserError;
use services_iam::IamClient;
use session_testkit::Moto;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

#[test]
fn user_role_and_policy() {
    // IAM is global: with no region configured, clients sign for us-east-1.
    assert_eq!(services_iam::INFO.region_when_unset, Some("us-east-1"));
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let iam = IamClient::new(&moto.session(None)).unwrap();
        for name in ["typed-alice", "typed-bob", "typed-carol"] {
            let user = iam
                .create_user()
                .user_name(name)
                .path("/typed/")
                .send()
                .await
                .unwrap()
                .user
                .unwrap();
            assert_eq!(user.user_name.as_deref(), Some(name));
        }
        let got = iam.get_user().user_name("typed-bob").send().await.unwrap();
        assert_eq!(got.user.unwrap().path.as_deref(), Some("/typed/"));

        let users: Vec<String> = iam
            .list_users()
            .path_prefix("/typed/")
            .max_items(2)
            .into_paginator()
            .items()
            .map_ok(|u| u.user_name.unwrap_or_default())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(users.len(), 3, "{users:?}");

        let role = iam
            .create_role()
            .role_name("typed-exec")
            .assume_role_policy_document(TRUST)
            .description("typed crate test")
            .send()
            .await
            .unwrap()
            .role
            .unwrap();
        let role_arn = role.arn.unwrap();
        assert!(role_arn.ends_with(":role/typed-exec"), "{role_arn}");
        let policy_arn = iam
            .create_policy()
            .policy_name("typed-read")
            .policy_document(READ_ONLY)
            .send()
            .await
            .unwrap()
            .policy
            .unwrap()
            .arn
            .unwrap();
        iam.attach_role_policy()
            .role_name("typed-exec")
            .policy_arn(&policy_arn)
            .send()
            .await
            .unwrap();
        let attached = iam
            .list_attached_role_policies()
            .role_name("typed-exec")
            .send()
            .await
            .unwrap()
            .attached_policies
            .unwrap();
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0].policy_arn.as_deref(), Some(policy_arn.as_str()));

        // boto3's resources: the role, loaded (GetRole).
        let loaded = iam.resource().role("typed-exec").load().await.unwrap();
        assert_eq!(
            loaded.data().and_then(|r| r.arn.as_deref()),
            Some(role_arn.as_str())
        );

        let e = iam
            .get_user()
            .user_name("typed-nobody")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(e.as_service(), Some(GetUserError::NoSuchEntityException(_))),
            "{e:?}"
        );
    });
}

//! STS against moto with signature checking on.

#![allow(clippy::unwrap_used)]

use services_sts::StsClient;
use session_testkit::Moto;

#[test]
fn get_caller_identity() {
    let moto = Moto::start_with_auth().unwrap();
    let session = moto.session(None);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sts = StsClient::new(&session).unwrap();
        let who = sts.get_caller_identity().await.unwrap();
        assert_eq!(who.account.as_deref(), Some("123456789012"));
        assert!(who.arn.unwrap().starts_with("arn:aws:iam::123456789012:"));
    });
}

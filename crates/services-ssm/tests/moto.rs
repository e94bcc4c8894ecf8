//! The generated SSM API against moto with signature checking on: parameters put under a
//! path (plain and secure strings), read back by path through the paginator two per page,
//! recursively and not, and a missing parameter answered with the modeled
//! `ParameterNotFound`.

#![allow(clippy::unwrap_used)]

use futures_util::TryStreamExt as _;
use services_ssm::operations::GetParameterError;
use services_ssm::types::{Parameter, ParameterType};
use services_ssm::SsmClient;
use session_testkit::Moto;

#[test]
fn parameters_by_path_paginated() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ssm = SsmClient::new(&moto.session(None)).unwrap();
        let names = [
            "/typed/app/host",
            "/typed/app/port",
            "/typed/app/user",
            "/typed/app/db/password",
            "/typed/app/db/name",
        ];
        for name in names {
            let secure = name.ends_with("password");
            ssm.put_parameter()
                .name(name)
                .value(format!("value of {name}"))
                .r#type(if secure {
                    ParameterType::SecureString
                } else {
                    ParameterType::String_
                })
                .send()
                .await
                .unwrap();
        }

        let mut all: Vec<Parameter> = ssm
            .get_parameters_by_path()
            .path("/typed/app")
            .recursive(true)
            .with_decryption(true)
            .max_results(2)
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        let mut expected = names.map(str::to_owned);
        expected.sort();
        assert_eq!(
            all.iter()
                .map(|p| p.name.clone().unwrap())
                .collect::<Vec<_>>(),
            expected
        );
        let password = all
            .iter()
            .find(|p| p.name.as_deref() == Some("/typed/app/db/password"))
            .unwrap();
        assert_eq!(password.r#type, Some(ParameterType::SecureString));
        assert_eq!(
            password.value.as_deref(),
            Some("value of /typed/app/db/password")
        );

        // One page of two, with a token for the rest.
        let page = ssm
            .get_parameters_by_path()
            .path("/typed/app")
            .recursive(true)
            .max_results(2)
            .send()
            .await
            .unwrap();
        assert_eq!(page.parameters.unwrap().len(), 2);
        assert!(page.next_token.is_some());

        // Not recursive: only the path's own level.
        let top: Vec<Parameter> = ssm
            .get_parameters_by_path()
            .path("/typed/app")
            .into_paginator()
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(top.len(), 3, "{top:?}");

        let e = ssm
            .get_parameter()
            .name("/typed/nothing")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(GetParameterError::ParameterNotFound(_))
            ),
            "{e:?}"
        );
    });
}

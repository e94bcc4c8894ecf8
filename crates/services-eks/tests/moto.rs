//! The generated EKS API (REST-JSON with path labels) against moto with signature checking
//! on: a cluster created, described by name in the path, listed; a node group under it
//! (two labels), and a missing cluster answered with the modeled
//! `ResourceNotFoundException`.
//!
//! moto 5.2.5 rejects the signature of every REST-JSON request without a body (`GET`;
//! boto3's own Lambda requests fail the same way), so the writes are checked and the reads
//! run with checking paused.

#![allow(clippy::unwrap_used)]

use services_eks::operations::DescribeClusterError;
use services_eks::types::VpcConfigRequest;
use services_eks::EksClient;
use session_testkit::Moto;

const ROLE: &str = "arn:aws:iam::123456789012:role/eks-cluster";

#[test]
fn cluster_and_node_group_by_path_labels() {
    // Its own moto: checking is paused for the reads.
    let moto = Moto::start_with_auth().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let eks = EksClient::new(&moto.session(None)).unwrap();
        let created = eks
            .create_cluster()
            .name("typed-cluster")
            .role_arn(ROLE)
            .resources_vpc_config(VpcConfigRequest {
                subnet_ids: Some(vec!["subnet-1".to_owned(), "subnet-2".to_owned()]),
                ..Default::default()
            })
            .send()
            .await
            .unwrap()
            .cluster
            .unwrap();
        assert_eq!(created.name.as_deref(), Some("typed-cluster"));

        let group = eks
            .create_nodegroup()
            .cluster_name("typed-cluster")
            .nodegroup_name("workers")
            .node_role(ROLE)
            .subnets(["subnet-1".to_owned()])
            .send()
            .await
            .unwrap()
            .nodegroup
            .unwrap();
        assert_eq!(group.cluster_name.as_deref(), Some("typed-cluster"));

        // The reads, unchecked (see above).
        moto.skip_checks_for_next(1000).unwrap();
        let described = eks
            .describe_cluster()
            .name("typed-cluster")
            .send()
            .await
            .unwrap()
            .cluster
            .unwrap();
        assert_eq!(described.role_arn.as_deref(), Some(ROLE));
        assert_eq!(described.arn, created.arn);

        let listed = eks.list_clusters().send().await.unwrap();
        assert_eq!(listed.clusters.unwrap(), ["typed-cluster"]);

        // `/clusters/{name}/node-groups/{nodegroupName}`.
        let same = eks
            .describe_nodegroup()
            .cluster_name("typed-cluster")
            .nodegroup_name("workers")
            .send()
            .await
            .unwrap()
            .nodegroup
            .unwrap();
        assert_eq!(same.nodegroup_arn, group.nodegroup_arn);

        let e = eks
            .describe_cluster()
            .name("typed-none")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(DescribeClusterError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );
    });
}

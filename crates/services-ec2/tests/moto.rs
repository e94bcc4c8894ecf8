//! The generated EC2 API (EC2's query dialect: `Name.N` lists, XML answers with `item`
//! lists) against moto with signature checking on: an instance run from one of moto's
//! images with tags, the `InstanceRunning` waiter, described by id and by a tag filter,
//! terminated, and the `InstanceTerminated` waiter.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use services_ec2::types::{
    Filter, InstanceStateName, InstanceType, ResourceType, Tag, TagSpecification,
};
use services_ec2::Ec2Client;
use session_testkit::Moto;

#[test]
fn run_describe_terminate_with_waiters() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let ec2 = Ec2Client::new(&moto.session(None)).unwrap();
        let image = ec2
            .describe_images()
            .send()
            .await
            .unwrap()
            .images
            .unwrap()
            .into_iter()
            .find_map(|i| i.image_id)
            .unwrap();

        let ran = ec2
            .run_instances()
            .image_id(&image)
            .instance_type(InstanceType::T2Micro)
            .min_count(1)
            .max_count(1)
            .tag_specifications([TagSpecification {
                resource_type: Some(ResourceType::Instance),
                tags: Some(vec![Tag {
                    key: Some("team".to_owned()),
                    value: Some("typed crates".to_owned()),
                }]),
            }])
            .send()
            .await
            .unwrap();
        let instances = ran.instances.unwrap();
        assert_eq!(instances.len(), 1);
        let id = instances[0].instance_id.clone().unwrap();

        let waited = ec2
            .wait_until_instance_running()
            .input(|c| c.instance_ids([id.clone()]))
            .max_wait(Duration::from_secs(60))
            .wait()
            .await
            .unwrap();
        assert!(waited.output().is_some());

        let found = ec2
            .describe_instances()
            .instance_ids([id.clone()])
            .send()
            .await
            .unwrap()
            .reservations
            .unwrap();
        let instance = &found[0].instances.as_ref().unwrap()[0];
        assert_eq!(instance.image_id.as_deref(), Some(image.as_str()));
        assert_eq!(
            instance.state.as_ref().and_then(|s| s.name.clone()),
            Some(InstanceStateName::Running)
        );
        let tags = instance.tags.as_ref().unwrap();
        assert_eq!(tags[0].value.as_deref(), Some("typed crates"));

        // A filter with a space in its value: EC2's form encoding end to end.
        let by_tag = ec2
            .describe_instances()
            .filters([Filter {
                name: Some("tag:team".to_owned()),
                values: Some(vec!["typed crates".to_owned()]),
            }])
            .send()
            .await
            .unwrap()
            .reservations
            .unwrap();
        assert_eq!(by_tag.len(), 1);

        let terminated = ec2
            .terminate_instances()
            .instance_ids([id.clone()])
            .send()
            .await
            .unwrap()
            .terminating_instances
            .unwrap();
        assert_eq!(terminated[0].instance_id.as_deref(), Some(id.as_str()));
        ec2.wait_until_instance_terminated()
            .input(|c| c.instance_ids([id.clone()]))
            .max_wait(Duration::from_secs(60))
            .wait()
            .await
            .unwrap();
    });
}

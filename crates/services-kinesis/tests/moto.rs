//! The generated Kinesis API against moto with signature checking on: a stream created and
//! waited for (the `StreamExists` waiter), records of arbitrary bytes put and read back
//! from the shard in order, and a missing stream answered with the modeled
//! `ResourceNotFoundException`.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use services_kinesis::operations::DescribeStreamError;
use services_kinesis::types::{ShardIteratorType, StreamStatus};
use services_kinesis::KinesisClient;
use session_testkit::Moto;

#[test]
fn put_and_get_records() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let kinesis = KinesisClient::new(&moto.session(None)).unwrap();
        kinesis
            .create_stream()
            .stream_name("clicks")
            .shard_count(1)
            .send()
            .await
            .unwrap();
        let waited = kinesis
            .wait_until_stream_exists()
            .input(|c| c.stream_name("clicks"))
            .max_wait(Duration::from_secs(30))
            .wait()
            .await
            .unwrap();
        assert_eq!(
            waited
                .output()
                .and_then(|o| o.stream_description.as_ref())
                .and_then(|d| d.stream_status.clone()),
            Some(StreamStatus::Active)
        );

        let payloads: [&[u8]; 3] = [
            b"{\"page\":\"/\"}",
            &[0, 1, 2, 0xfe, 0xff],
            "ünï".as_bytes(),
        ];
        let mut sequence = Vec::new();
        for data in payloads {
            let put = kinesis
                .put_record()
                .stream_name("clicks")
                .partition_key("user-1")
                .data(data)
                .send()
                .await
                .unwrap();
            sequence.push(put.sequence_number.unwrap());
        }

        let shard = kinesis
            .list_shards()
            .stream_name("clicks")
            .send()
            .await
            .unwrap()
            .shards
            .unwrap()
            .remove(0)
            .shard_id
            .unwrap();
        let iterator = kinesis
            .get_shard_iterator()
            .stream_name("clicks")
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap()
            .shard_iterator
            .unwrap();
        let got = kinesis
            .get_records()
            .shard_iterator(iterator)
            .send()
            .await
            .unwrap();
        let records = got.records.unwrap();
        assert_eq!(records.len(), 3);
        for ((record, data), seq) in records.iter().zip(payloads).zip(&sequence) {
            assert_eq!(record.data.as_ref().unwrap().as_bytes(), data);
            assert_eq!(record.sequence_number.as_ref(), Some(seq));
            assert_eq!(record.partition_key.as_deref(), Some("user-1"));
        }
        assert!(got.next_shard_iterator.is_some());

        let e = kinesis
            .describe_stream()
            .stream_name("no-such-stream")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(DescribeStreamError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );
    });
}

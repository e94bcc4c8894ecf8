//! The generated CloudWatch Logs API (AWS JSON 1.1, camelCase members) against moto with
//! signature checking on: a group and stream, events put and read back in order, filtered
//! across streams, and a missing group answered with the modeled
//! `ResourceNotFoundException`.

#![allow(clippy::unwrap_used)]

use services_logs::operations::GetLogEventsError;
use services_logs::types::InputLogEvent;
use services_logs::CloudWatchLogsClient;
use session_testkit::Moto;

#[test]
fn put_and_get_log_events() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let logs = CloudWatchLogsClient::new(&moto.session(None)).unwrap();
        logs.create_log_group()
            .log_group_name("/typed/web")
            .send()
            .await
            .unwrap();
        logs.create_log_stream()
            .log_group_name("/typed/web")
            .log_stream_name("web-1")
            .send()
            .await
            .unwrap();
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let events: Vec<InputLogEvent> = (0..3)
            .map(|i| InputLogEvent {
                timestamp: Some(now_ms + i),
                message: Some(format!("request {i} served")),
            })
            .collect();
        logs.put_log_events()
            .log_group_name("/typed/web")
            .log_stream_name("web-1")
            .log_events(events)
            .send()
            .await
            .unwrap();

        let got = logs
            .get_log_events()
            .log_group_name("/typed/web")
            .log_stream_name("web-1")
            .start_from_head(true)
            .send()
            .await
            .unwrap();
        let messages: Vec<String> = got
            .events
            .unwrap()
            .into_iter()
            .map(|e| e.message.unwrap())
            .collect();
        assert_eq!(
            messages,
            ["request 0 served", "request 1 served", "request 2 served"]
        );

        let filtered = logs
            .filter_log_events()
            .log_group_name("/typed/web")
            .filter_pattern("\"request 1\"")
            .send()
            .await
            .unwrap();
        let hits = filtered.events.unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].log_stream_name.as_deref(), Some("web-1"));

        let e = logs
            .get_log_events()
            .log_group_name("/typed/none")
            .log_stream_name("web-1")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e.as_service(),
                Some(GetLogEventsError::ResourceNotFoundException(_))
            ),
            "{e:?}"
        );
    });
}

//! The generated CloudWatch API (Smithy RPC v2 CBOR, the model's first protocol) against
//! moto with signature checking on: metric data put (values, dimensions, timestamps) and
//! read back with GetMetricData and GetMetricStatistics, metrics listed, an alarm on the
//! metric, and its handle from boto3's resources.

#![allow(clippy::unwrap_used)]

use services_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricDatum, MetricStat, StandardUnit,
    Statistic,
};
use services_cloudwatch::CloudWatchClient;
use session_runtime::Timestamp;
use session_testkit::Moto;

fn dimension() -> Dimension {
    Dimension {
        name: Some("Host".to_owned()),
        value: Some("web-1".to_owned()),
    }
}

#[test]
fn put_and_get_metric_data() {
    let moto = Moto::shared_with_auth();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let cw = CloudWatchClient::new(&moto.session(None)).unwrap();
        let now = Timestamp::now().secs();
        // Whole minutes, a few minutes back, so one period holds all three points.
        let at = now - now % 60 - 300;
        let data: Vec<MetricDatum> = [1.5, 2.5, 5.0]
            .into_iter()
            .map(|v| MetricDatum {
                metric_name: Some("Latency".to_owned()),
                dimensions: Some(vec![dimension()]),
                timestamp: Some(Timestamp::from_secs(at + 10)),
                value: Some(v),
                unit: Some(StandardUnit::Milliseconds),
                ..Default::default()
            })
            .collect();
        cw.put_metric_data()
            .namespace("Typed/App")
            .metric_data(data)
            .send()
            .await
            .unwrap();

        let got = cw
            .get_metric_data()
            .metric_data_queries([MetricDataQuery {
                id: Some("m1".to_owned()),
                metric_stat: Some(MetricStat {
                    metric: Some(Metric {
                        namespace: Some("Typed/App".to_owned()),
                        metric_name: Some("Latency".to_owned()),
                        dimensions: Some(vec![dimension()]),
                    }),
                    period: Some(60),
                    stat: Some("Sum".to_owned()),
                    unit: None,
                }),
                ..Default::default()
            }])
            .start_time(Timestamp::from_secs(at - 600))
            .end_time(Timestamp::from_secs(now + 60))
            .send()
            .await
            .unwrap();
        let results = got.metric_data_results.unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].id.as_deref(), Some("m1"));
        assert_eq!(results[0].values.as_deref(), Some(&[9.0][..]));

        let stats = cw
            .get_metric_statistics()
            .namespace("Typed/App")
            .metric_name("Latency")
            .dimensions([dimension()])
            .start_time(Timestamp::from_secs(at - 600))
            .end_time(Timestamp::from_secs(now + 60))
            .period(60)
            .statistics([Statistic::Maximum, Statistic::SampleCount])
            .send()
            .await
            .unwrap();
        let points = stats.datapoints.unwrap();
        assert_eq!(points.len(), 1, "{points:?}");
        assert_eq!(points[0].maximum, Some(5.0));
        assert_eq!(points[0].sample_count, Some(3.0));

        let listed = cw
            .list_metrics()
            .namespace("Typed/App")
            .send()
            .await
            .unwrap();
        assert_eq!(listed.metrics.unwrap().len(), 1);

        cw.put_metric_alarm()
            .alarm_name("typed-latency")
            .namespace("Typed/App")
            .metric_name("Latency")
            .dimensions([dimension()])
            .statistic(Statistic::Average)
            .period(60)
            .evaluation_periods(1)
            .threshold(100.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .send()
            .await
            .unwrap();
        let alarms = cw
            .describe_alarms()
            .alarm_names(["typed-latency".to_owned()])
            .send()
            .await
            .unwrap()
            .metric_alarms
            .unwrap();
        assert_eq!(alarms.len(), 1);
        assert_eq!(alarms[0].threshold, Some(100.0));
        let alarm = cw.resource().alarm("typed-latency");
        assert_eq!(alarm.name(), "typed-latency");
    });
}

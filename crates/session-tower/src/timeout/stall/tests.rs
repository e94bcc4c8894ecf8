use std::time::Duration;

use futures_util::stream;
use http_body_util::{BodyExt, StreamBody};

use super::*;

/// A body that sends `frames` bytes each after its delay, then ends.
fn dripping(frames: Vec<(u64, usize)>) -> SdkBody {
    let s = stream::unfold(frames.into_iter(), |mut it| async move {
        let (delay_ms, len) = it.next()?;
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        let frame: Result<Frame<Bytes>, BoxError> = Ok(Frame::data(Bytes::from(vec![b'x'; len])));
        Some((frame, it))
    });
    SdkBody::from_stream(StreamBody::new(s))
}

fn watch(idle_ms: Option<u64>, rule: Option<StallProtection>) -> StreamWatch {
    StreamWatch {
        idle: idle_ms.map(Duration::from_millis),
        rule,
    }
}

async fn read(body: SdkBody) -> Result<usize, Error> {
    body.collect().await.map(|b| b.len())
}

#[tokio::test(start_paused = true)]
async fn a_silence_past_the_read_timeout_is_a_stall() {
    let body = watch(Some(1_000), None).wrap(dripping(vec![(100, 10), (5_000, 10)]));
    let start = Instant::now();
    let e = read(body).await.unwrap_err();
    assert!(e.is_stalled() && e.is_timeout(), "{e:?}");
    assert!(e.to_string().contains("read_timeout"), "{e}");
    assert_eq!(start.elapsed(), Duration::from_millis(1_100));
}

#[tokio::test(start_paused = true)]
async fn a_drip_under_the_minimum_throughput_is_a_stall() {
    // 1 byte every 0.5 s (2 B/s) against 10 B/s over 2 s windows: the first window ends
    // with 4 bytes of 20 wanted.
    let rule = StallProtection::new(10, Duration::from_secs(2));
    let body = watch(Some(60_000), Some(rule)).wrap(dripping(vec![(500, 1); 20]));
    let start = Instant::now();
    let e = read(body).await.unwrap_err();
    assert!(e.is_stalled(), "{e:?}");
    assert!(e.to_string().contains("stall protection"), "{e}");
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_steady_body_passes_every_window() {
    // 100 bytes every 0.5 s (200 B/s) for 10 s against 10 B/s over 2 s windows.
    let rule = StallProtection::new(10, Duration::from_secs(2));
    let body = watch(Some(1_000), Some(rule)).wrap(dripping(vec![(500, 100); 20]));
    assert_eq!(read(body).await.unwrap(), 2_000);
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_is_not_a_stalled_server() {
    // The server has every frame ready at once; the consumer takes 5 s per frame, far past
    // the read timeout and any window: only its waiting counts, and it never waits.
    let rule = StallProtection::new(1_000, Duration::from_secs(1));
    let mut body = watch(Some(500), Some(rule)).wrap(dripping(vec![(0, 10); 5]));
    let mut got = 0;
    while let Some(frame) = body.frame().await {
        got += frame.unwrap().into_data().unwrap().len();
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    assert_eq!(got, 50);
}

#[tokio::test(start_paused = true)]
async fn nothing_watched_is_the_body_itself() {
    let body = StreamWatch::default().wrap(dripping(vec![(100_000, 3)]));
    assert_eq!(read(body).await.unwrap(), 3);
}

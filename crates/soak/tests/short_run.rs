//! A short soak through the real client and server: every call is accounted for, the
//! server's faults were injected and retried past, and the samples were taken.

use std::time::Duration;

use soak::{run, Config};

#[test]
fn a_short_soak_accounts_for_every_call() {
    let config = Config {
        calls: 3_000,
        concurrency: 8,
        sample_every: Duration::from_secs(60),
        ..Config::default()
    };
    let outcome = run(&config).expect("the soak starts");
    let accounted = &outcome.verdicts[0];
    assert!(accounted.passed, "{accounted:?}");
    assert_eq!(outcome.counts.finished(), 3_000);
    // 1% resets and 1% 503s of ~3,000 requests: some of each, all behind retries.
    assert!(outcome.resets > 0 && outcome.unavailable > 0, "{outcome:?}");
    assert!(
        outcome.requests >= 3_000 + outcome.resets + outcome.unavailable - outcome.counts.errors()
    );
    // 3 attempts, 2% faulty: a call failing all three is a one-in-125,000 event.
    assert!(outcome.counts.errors() <= 2, "{:?}", outcome.counts);
    // Start, the 20% reference, the end.
    assert!(outcome.samples.len() >= 3, "{:?}", outcome.samples);
}

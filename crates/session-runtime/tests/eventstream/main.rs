//! Output event streams through a real client stack, one module per operation family:
//! S3 SelectObjectContent (REST-XML), Kinesis SubscribeToShard (AWS JSON 1.1), Lambda
//! InvokeWithResponseStream (REST-JSON), Bedrock Runtime ConverseStream (REST-JSON), CloudWatch
//! Logs StartLiveTail (AWS JSON 1.1), and the typed path. See `support.rs` for which run
//! against a STUB server and why.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod bedrock;
mod body;
mod kinesis;
mod lambda;
mod logs;
mod s3_select;
mod support;
mod typed;

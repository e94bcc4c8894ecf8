//! The names of the recorded metrics, their attributes and the attributes' values.
//!
//! The `smithy.client.call.*` names are the ones the AWS SDKs built on Smithy record
//! (aws-sdk-rust, smithy-java, smithy-kotlin), in seconds, with [`RPC_SERVICE`] and
//! [`RPC_METHOD`]; dashboards made for those SDKs read them as they are. The HTTP names
//! follow smithy-kotlin's (`connections.usage` with [`STATE`], `connections.acquire_duration`)
//! and aws-sdk-go-v2's (`tls_handshake_duration`, `time_to_first_byte`) under the same
//! `smithy.client.` prefix. The retry, identity-cache and hedge names are this crate's own:
//! no SDK reports them.

/// Attribute: the service (`ServiceInfo::service_id`: `S3`, `SQS`, `DynamoDB`, `STS`).
pub const RPC_SERVICE: &str = "rpc.service";
/// Attribute: the operation (`GetObject`).
pub const RPC_METHOD: &str = "rpc.method";
/// Attribute of [`CONNECTIONS_USAGE`]: [`IDLE`] or [`ACQUIRED`].
pub const STATE: &str = "state";
/// [`STATE`]: pooled connections waiting for a request.
pub const IDLE: &str = "idle";
/// [`STATE`]: connections carrying a request or its response body.
pub const ACQUIRED: &str = "acquired";
/// Attribute of [`IDENTITY_CACHE_REFRESHES`]: [`BLOCKING`] or [`BACKGROUND`].
pub const MODE: &str = "mode";
/// [`MODE`]: callers waited for the provider (nothing usable was cached).
pub const BLOCKING: &str = "blocking";
/// [`MODE`]: refreshed ahead of expiry while the cached credentials were still served.
pub const BACKGROUND: &str = "background";
/// Attribute of [`IDENTITY_CACHE_REFRESHES`]: [`OK`] or [`ERROR`].
pub const OUTCOME: &str = "outcome";
/// [`OUTCOME`]: the provider answered with credentials.
pub const OK: &str = "ok";
/// [`OUTCOME`]: the provider failed or took too long.
pub const ERROR: &str = "error";
/// Attribute of [`HEDGE_SKIPPED`]: [`BUDGET`] or [`QUOTA`].
pub const REASON: &str = "reason";
/// [`REASON`]: the hedge budget (extra requests per window) was spent.
pub const BUDGET: &str = "budget";
/// [`REASON`]: the client's retry quota showed an outage.
pub const QUOTA: &str = "quota";

/// Histogram (s): a whole call, retries and backoff included, until the response head (or
/// the error). Reading the body is [`CALL_DESERIALIZATION_DURATION`].
pub const CALL_DURATION: &str = "smithy.client.call.duration";
/// Counter: attempts made (counted when they start: a cancelled one counts).
pub const CALL_ATTEMPTS: &str = "smithy.client.call.attempts";
/// Counter: calls that ended in an error.
pub const CALL_ERRORS: &str = "smithy.client.call.errors";
/// Histogram (s): one attempt: credentials, signing, sending, and the response head.
pub const CALL_ATTEMPT_DURATION: &str = "smithy.client.call.attempt.duration";
/// Histogram (s): building the request from the input (recorded by the service crates'
/// call glue through [`record_serialization`](super::record_serialization)).
pub const CALL_SERIALIZATION_DURATION: &str = "smithy.client.call.serialization_duration";
/// Histogram (s): reading the output from the response (recorded by the call glue through
/// [`record_deserialization`](super::record_deserialization)).
pub const CALL_DESERIALIZATION_DURATION: &str = "smithy.client.call.deserialization_duration";
/// Histogram (s): resolving the endpoint (a cache lookup for most operations).
pub const CALL_RESOLVE_ENDPOINT_DURATION: &str = "smithy.client.call.resolve_endpoint_duration";
/// Histogram (s): signing one attempt's request.
pub const CALL_AUTH_SIGNING_DURATION: &str = "smithy.client.call.auth.signing_duration";
/// Histogram (s): getting credentials for one attempt (a cache hit, or the wait for a
/// provider).
pub const CALL_AUTH_RESOLVE_IDENTITY_DURATION: &str =
    "smithy.client.call.auth.resolve_identity_duration";

/// Gauge: connections of the pool by [`STATE`].
pub const CONNECTIONS_USAGE: &str = "smithy.client.http.connections.usage";
/// Histogram (s): from a request reaching the pool to a connection ready to carry it (a
/// pooled one, or a new one connected).
pub const CONNECTIONS_ACQUIRE_DURATION: &str = "smithy.client.http.connections.acquire_duration";
/// Counter: new connections opened (TCP connected, TLS done where it applies).
pub const CONNECTIONS_OPENED: &str = "smithy.client.http.connections.opened";
/// Histogram (s): the TLS handshake of a new connection.
pub const CONNECTIONS_TLS_HANDSHAKE_DURATION: &str =
    "smithy.client.http.connections.tls_handshake_duration";
/// Histogram (s): from the request handed to a ready connection to the response head.
pub const TIME_TO_FIRST_BYTE: &str = "smithy.client.http.time_to_first_byte";

/// Gauge: the client's retry quota left (500 when nothing failed lately), by
/// [`RPC_SERVICE`]; set when it changes.
pub const RETRY_QUOTA_AVAILABLE: &str = "smithy.client.retry.quota.available";
/// Counter: attempts the service answered with a throttling error.
pub const RETRY_THROTTLED: &str = "smithy.client.retry.throttled";
/// Counter: retries not made because the retry quota was spent.
pub const RETRY_QUOTA_EXHAUSTED: &str = "smithy.client.retry.quota.exhausted";

/// Counter: credentials served from the cache without waiting.
pub const IDENTITY_CACHE_HITS: &str = "smithy.client.auth.identity_cache.hits";
/// Counter: callers that found nothing usable in the cache and waited.
pub const IDENTITY_CACHE_MISSES: &str = "smithy.client.auth.identity_cache.misses";
/// Counter: calls to the credentials provider, by [`MODE`] and [`OUTCOME`].
pub const IDENTITY_CACHE_REFRESHES: &str = "smithy.client.auth.identity_cache.refreshes";

/// Counter: hedged requests sent (a second copy of a slow call).
pub const HEDGE_SENT: &str = "smithy.client.hedge.sent";
/// Counter: calls the hedged copy answered first.
pub const HEDGE_WON: &str = "smithy.client.hedge.won";
/// Counter: hedges due but not sent, by [`REASON`].
pub const HEDGE_SKIPPED: &str = "smithy.client.hedge.skipped";

/// Attribute of the transfer metrics: `upload`, `download` or `copy`
/// ([`Direction`](super::Direction)).
pub const TRANSFER_DIRECTION: &str = "direction";
/// Counter (bytes): bytes the transfer manager moved, by [`TRANSFER_DIRECTION`] (a resent
/// part counts again).
pub const TRANSFER_BYTES: &str = "smithy.client.transfer.bytes";
/// Gauge: parts the transfer manager has on their way, by [`TRANSFER_DIRECTION`].
pub const TRANSFER_PARTS_IN_FLIGHT: &str = "smithy.client.transfer.parts_in_flight";

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use session_core::credentials::SharedCredentialsProvider;
use session_core::settings::RetryMode;
use session_core::Session;
use tower::util::BoxCloneSyncService;
use tower_layer::Layer;
use tower_service::Service;

use super::boxed::{erase_layer, BoxLayer, BoxedStage};
use super::engine::{Engine, EngineService};
use super::exchange::{Exchange, Sender};
use super::runtime::{ServiceState, SessionRuntime};
use super::{Client, Inner, ServiceInfo};
use crate::body::{BoxError, SdkBody};
use crate::credentials::CredentialsCache;
use crate::endpoint::{base_params, EndpointResolver, SigningScope};
use crate::error::{Error, Kind};
use crate::hedge::{HedgeConfig, HedgeLayer};
use crate::retry::{ClassifyRetry, RetryConfig, RetryPolicy, StandardClassifier};
use crate::settings_check::check_region;
use crate::signing::{AuthPlan, SigningConfig, SigningLayer};
use crate::timeout::{Scope, StallProtection};
use crate::token::TokenCache;

/// Builds a client: a [`Client`], or a service crate's typed client (`C`). Consuming and
/// `#[must_use]`; errors are reported by `build`.
#[must_use]
pub struct ClientBuilder<C = Client> {
    session: Session,
    info: &'static ServiceInfo,
    region: Option<String>,
    retry: Option<RetryConfig>,
    classifier: Option<Arc<dyn ClassifyRetry>>,
    attempt_timeout: Option<Option<Duration>>,
    read_timeout: Option<Option<Duration>>,
    stall_protection: Option<StallProtection>,
    operation_timeout: Option<Duration>,
    around_operation: Vec<BoxLayer>,
    before_signing: Vec<BoxLayer>,
    after_signing: Vec<BoxLayer>,
    credentials: CredentialsSource,
    /// The bearer token source given to the builder, if any.
    bearer: Option<crate::token::SharedTokenProvider>,
    sigv4a_region_set: Option<String>,
    http_client: Option<BoxedStage>,
    token: Option<super::TokenProvider>,
    hedge: Option<HedgeConfig>,
    host_prefix: bool,
    _client: std::marker::PhantomData<fn() -> C>,
}

/// Where a client's credentials come from.
enum CredentialsSource {
    Session,
    Provider(SharedCredentialsProvider),
    Anonymous,
}

macro_rules! user_layer_method {
    ($(#[$doc:meta])* $name:ident, $field:ident, $scope:expr) => {
        $(#[$doc])*
        ///
        /// Any tower layer whose service takes `Request<SdkBody>` fits (e.g. tower's
        /// `ConcurrencyLimitLayer`, tower-http's `TraceLayer`). Its errors are wrapped
        /// ([`Error::is_layer`]), except a tower `Timeout` elapsing, which is a timeout
        /// ([`Error::is_timeout`]: retryable inside the attempt), and an `std::io::Error`,
        /// which is a connection error; response bodies of other types are adapted. Layers
        /// added first are outermost.
        pub fn $name<L, S, B, E>(mut self, layer: L) -> Self
        where
            L: Layer<BoxedStage, Service = S> + Send + Sync + 'static,
            S: Service<Request<SdkBody>, Response = Response<B>, Error = E> + Clone + Send + Sync + 'static,
            S::Future: Send + 'static,
            B: http_body::Body<Data = Bytes> + Send + 'static,
            B::Error: Into<BoxError>,
            E: Into<BoxError> + 'static,
        {
            self.$field.push(erase_layer(layer, $scope));
            self
        }
    };
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for `info`'s service from `session` (service crates wrap this).
    pub fn new(session: &Session, info: &'static ServiceInfo) -> Self {
        Self {
            session: session.clone(),
            info,
            region: None,
            retry: None,
            classifier: None,
            attempt_timeout: None,
            read_timeout: None,
            stall_protection: Some(StallProtection::default()),
            operation_timeout: None,
            around_operation: Vec::new(),
            before_signing: Vec::new(),
            after_signing: Vec::new(),
            credentials: CredentialsSource::Session,
            bearer: None,
            sigv4a_region_set: None,
            host_prefix: true,
            http_client: None,
            token: None,
            hedge: None,
            _client: std::marker::PhantomData,
        }
    }

    /// Same as [`layer_around_operation`](Self::layer_around_operation).
    pub fn layer<L, S, B, E>(self, layer: L) -> Self
    where
        L: Layer<BoxedStage, Service = S> + Send + Sync + 'static,
        S: Service<Request<SdkBody>, Response = Response<B>, Error = E>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
        E: Into<BoxError> + 'static,
    {
        self.layer_around_operation(layer)
    }

    /// The region for this client. Default: the session's region (for S3 and STS,
    /// `us-east-1` when the session has none).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Retry behaviour. Default: from the session's `retry_mode` and `max_attempts`
    /// (standard, 3 attempts).
    pub fn retry(mut self, config: RetryConfig) -> Self {
        self.retry = Some(config);
        self
    }

    /// What is worth another attempt. Default: [`StandardClassifier`] (the AWS SDKs'
    /// rules: connection errors, attempt timeouts, 500/502/503/504, throttling and
    /// transient codes, clock skew).
    pub fn retry_classifier(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.classifier = Some(Arc::new(classifier));
        self
    }

    /// Limit on one attempt, from sending to the end of the answer's body when it is read
    /// inside the attempt (every answer but a streamed blob or event stream, whose bodies
    /// the caller reads), a deadline however busy the connection is. An elapsed attempt is
    /// retried. Default: none: the [read timeout](Self::read_timeout) ends a silent
    /// attempt, and a deadline would cut off a slow answer that keeps coming (S3 keeps a
    /// `CompleteMultipartUpload` alive with whitespace).
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The idle timeout: how long an attempt may go without a byte moving, while a
    /// streamed request body is sent, while the answer's head is awaited (time to first
    /// byte) and while a body is read inside the attempt; an elapsed one is retried
    /// ([`Error::is_timeout`]). A streamed answer's body fails with
    /// [`Error::is_stalled`] when the caller has waited on it that long for nothing.
    /// Default: the session's `read_timeout` (60 s, as boto3's). `None`: no limit.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The minimum throughput of answers that stream to the caller (S3 `GetObject`),
    /// counted over time the caller spends waiting on the body (a slow consumer is not a
    /// stalled server); event streams are not watched. Default:
    /// [`StallProtection::default`] (1 byte/s over 20 s windows). `None`: off (the read
    /// timeout still applies).
    pub fn stall_protection(mut self, rule: Option<StallProtection>) -> Self {
        self.stall_protection = rule;
        self
    }

    /// Limit on a whole operation, retries and backoff included. Default: none.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Signs with credentials from `provider` instead of the session's, cached for this
    /// client alone. Default: the session's cache, shared by all its clients. (Assuming a
    /// role uses this: STS is called with the source credentials.)
    pub fn credentials_provider(mut self, provider: SharedCredentialsProvider) -> Self {
        self.credentials = CredentialsSource::Provider(provider);
        self
    }

    /// Sends requests unsigned, with no credentials at all (operations whose model says
    /// they take none, such as STS AssumeRoleWithWebIdentity, are sent unsigned by any
    /// client). A bearer token given with [`bearer_token`](Self::bearer_token) is still
    /// used where the service takes one. Default: signed.
    pub fn anonymous(mut self) -> Self {
        self.credentials = CredentialsSource::Anonymous;
        self
    }

    /// Authorizes with this bearer token (`Authorization: Bearer …`) where the service
    /// takes one (CodeCatalyst, Bedrock API keys), before SigV4 where an operation allows
    /// both; replaces the token chain (`AWS_BEARER_TOKEN_<NAME>`, the profile's
    /// `sso_session`). See [`crate::token`].
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(std::sync::Arc::new(crate::token::StaticToken::new(token)))
    }

    /// Takes bearer tokens from `provider` (cached for this client) instead of the token
    /// chain; like [`bearer_token`](Self::bearer_token) otherwise.
    pub fn token_provider(mut self, provider: crate::token::SharedTokenProvider) -> Self {
        self.bearer = Some(provider);
        self
    }

    /// The regions a SigV4a signature is valid in, comma-separated (`*`,
    /// `us-east-1,us-west-2`), instead of the region set the endpoint rules give. Default:
    /// the session's `sigv4a_signing_region_set` (`AWS_SIGV4A_SIGNING_REGION_SET`), else the
    /// endpoint's. Only requests signed with SigV4a use it.
    pub fn sigv4a_signing_region_set(mut self, region_set: impl Into<String>) -> Self {
        self.sigv4a_region_set = Some(region_set.into());
        self
    }

    /// Sends through `http_client` instead of the session's pooled transport: any service
    /// from a request to a response (a different HTTP client, a recorder, a test double).
    /// The attempt timeout and error parsing still apply on top of it. Its errors are
    /// classified like ours: return [`Error::connect`] or [`Error::io`] (or an
    /// `std::io::Error`) for failures worth a retry; other errors are not retried. Each
    /// request carries the operation's name as its
    /// [`OperationName`](crate::trace::OperationName) extension. Default: the session's
    /// shared hyper pool.
    pub fn http_client<S, E>(mut self, http_client: S) -> Self
    where
        S: Service<Request<SdkBody>, Response = Response<SdkBody>, Error = E>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        E: Into<BoxError> + 'static,
    {
        use tower::ServiceExt as _;
        let client = http_client.map_err(|e: E| Error::from_outside(e.into(), Scope::Attempt));
        self.http_client = Some(BoxCloneSyncService::new(client));
        self
    }

    /// Makes the tokens of idempotency-token members the caller leaves unset. Default: a
    /// random UUID v4 per call. (Tests pin them; a fixed token makes retried calls of
    /// your own, across processes, count as one.)
    pub fn idempotency_token_provider(
        mut self,
        provider: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.token = Some(Arc::new(provider));
        self
    }

    /// Whether operations with a host prefix in their model (the endpoint trait:
    /// `{AccountId}.`, `data.`) put it in front of the endpoint's host. Turn it off when an
    /// endpoint URL already names the host a request must reach (botocore's
    /// `inject_host_prefix=False`). Default: `true`.
    pub fn host_prefix(mut self, inject: bool) -> Self {
        self.host_prefix = inject;
        self
    }

    /// Hedges the calls that are safe to repeat (and, with [`HedgeConfig::only`], chosen
    /// among them): after a delay taken from the operation's recent latencies a second copy
    /// is sent, the first answer wins, the other is cancelled. See [`crate::hedge`]. Other
    /// calls keep the direct path. Inside any layers around the operation. Default: off.
    pub fn hedge(mut self, config: HedgeConfig) -> Self {
        self.hedge = Some(config);
        self
    }

    user_layer_method!(
        /// Adds a layer around the whole operation (outside retries: it sees one call per
        /// operation).
        layer_around_operation,
        around_operation,
        Scope::Operation
    );

    user_layer_method!(
        /// Adds a layer to each attempt before signing: it sees (and may change) the unsigned
        /// request with its final URL.
        layer_before_signing,
        before_signing,
        Scope::Attempt
    );

    user_layer_method!(
        /// Adds a layer to each attempt after signing: it sees the exact request sent.
        layer_after_signing,
        after_signing,
        Scope::Attempt
    );

    /// Assembles the stack.
    ///
    /// # Errors
    /// - no region for a regional service ([`Error::is_no_region`]);
    /// - an invalid region given to [`ClientBuilder::region`];
    /// - an invalid SigV4a region set ([`ClientBuilder::sigv4a_signing_region_set`] or the
    ///   session's `sigv4a_signing_region_set`);
    /// - the session's CA bundle cannot be read ([`Error::is_build`]).
    pub fn build(self) -> Result<C, Error> {
        let info = self.info;
        let settings = self.session.settings();
        let region: Option<Arc<str>> = match self.region {
            Some(r) => Some(check_region(&r)?.into()),
            None => settings.region().or(info.region_when_unset).map(Into::into),
        };
        let Some(signing_region) = region.clone() else {
            return Err(Error::with(
                Kind::NoRegion,
                format!("service {}", info.service_id),
            ));
        };
        let runtime = SessionRuntime::of(&self.session, info.roles);
        let transport = runtime.transport()?;

        let service = runtime.service(info, &region, || {
            let rules = info.endpoint_rules.get();
            let default_scope = SigningScope {
                name: info.signing_name.into(),
                region: signing_region,
                double_encode: !info.s3_signing,
                normalize_path: !info.s3_signing,
                algorithm: session_sigv4::SigningAlgorithm::SigV4,
            };
            ServiceState {
                resolver: Arc::new(EndpointResolver::with_default_scope(
                    rules,
                    base_params(rules, &self.session, info.service_id, region.as_deref()),
                    Some(default_scope.clone()),
                )),
                default_scope,
                user_agent: crate::intern::header_value(user_agent(
                    info,
                    settings.text("sdk_ua_app_id"),
                )),
            }
        });
        let resolver = Arc::clone(&service.resolver);
        let default_scope = service.default_scope.clone();
        let region_set = match &self.sigv4a_region_set {
            Some(set) => Some(check_region_set(set, "the client builder")?),
            None => match settings.get("sigv4a_signing_region_set") {
                Some(set) => Some(check_region_set(
                    set.value().as_str().unwrap_or_default(),
                    &set.origin().to_string(),
                )?),
                None => None,
            },
        };
        let signing = Arc::new(
            SigningConfig::new(
                runtime.signer.clone(),
                runtime.clock.clone(),
                default_scope,
                info.s3_signing,
            )
            .with_sigv4a_region_set(region_set)
            .for_service(info.service_id),
        );
        let retry = self.retry.unwrap_or_else(|| {
            let base = match settings.retry_mode() {
                RetryMode::Adaptive => RetryConfig::adaptive(),
                _ => RetryConfig::standard(),
            };
            base.max_attempts(settings.max_attempts())
        });
        let attempt_timeout = self.attempt_timeout.unwrap_or(None);
        let read_timeout = self.read_timeout.unwrap_or(Some(settings.read_timeout()));

        let credentials = match self.credentials {
            CredentialsSource::Session => Some(runtime.credentials.clone()),
            CredentialsSource::Provider(p) => Some(CredentialsCache::new(p)),
            CredentialsSource::Anonymous => None,
        };
        let tokens = crate::token::default_chain(
            &self.session,
            info.signing_name,
            self.bearer,
            transport.clone(),
        );
        let auth = AuthPlan::new(
            info.auth,
            credentials.is_some(),
            tokens.is_configured(),
            tokens.is_preferred(),
        );
        let tokens = TokenCache::new(Arc::new(tokens));
        let exchange = Exchange {
            attempt_timeout,
            read_timeout,
            stall: self.stall_protection,
            protocol: info.protocol,
            sender: match self.http_client {
                Some(client) => Sender::Custom(Arc::new(client)),
                None => Sender::Pooled(transport),
            },
        };
        // With layers inside the attempt, the rest of the attempt after the endpoint and
        // credentials is one boxed segment, innermost first: the exchange, the user's
        // after-signing layers, signing, the user's before-signing layers.
        let segment =
            (!self.before_signing.is_empty() || !self.after_signing.is_empty()).then(|| {
                let mut inner: BoxedStage = BoxCloneSyncService::new(exchange.clone());
                for layer in self.after_signing.iter().rev() {
                    inner = layer(inner);
                }
                // Always there: even an anonymous client's operations may take a token.
                inner = BoxCloneSyncService::new(SigningLayer::new(signing.clone()).layer(inner));
                for layer in self.before_signing.iter().rev() {
                    inner = layer(inner);
                }
                inner
            });
        let classifier = self
            .classifier
            .unwrap_or_else(|| Arc::new(StandardClassifier));
        let engine = Arc::new(Engine {
            service_id: info.service_id,
            retry: Arc::new({
                let policy = RetryPolicy::new(retry, runtime.clock.clone(), classifier);
                match &credentials {
                    Some(cache) => policy.with_credentials(cache.clone()),
                    None => policy,
                }
            }),
            operation_timeout: self.operation_timeout,
            resolver: resolver.clone(),
            credentials,
            auth,
            tokens,
            signing: signing.clone(),
            exchange,
            segment,
            bucket_regions: crate::redirect::BucketRegions::default(),
            host_prefix: self.host_prefix,
        });
        let hedge = self
            .hedge
            .map(|config| HedgeLayer::for_service(config, info.service_id))
            .transpose()?;
        let engine_service = || -> BoxedStage {
            let service = EngineService {
                engine: engine.clone(),
            };
            match &hedge {
                // Innermost, next to the engine: the user's layers see one call.
                Some(h) => BoxCloneSyncService::new(h.layer(service)),
                None => BoxCloneSyncService::new(service),
            }
        };
        let wrapped = (!self.around_operation.is_empty()).then(|| {
            let mut service = engine_service();
            for layer in self.around_operation.iter().rev() {
                service = layer(service);
            }
            service
        });
        // Without layers around the operation, only the calls a hedge may take go through
        // it (and the boxed path it needs); the others stay on the direct one.
        let hedged = match (&hedge, &wrapped) {
            (Some(h), None) => Some((engine_service(), h.clone())),
            _ => None,
        };

        let user_agent = service.user_agent.clone();
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                engine,
                wrapped,
                hedged,
                hedge,
                info,
                region,
                resolver,
                runtime,
                signing,
                user_agent,
                session: self.session,
                token: self.token,
            }),
        }))
    }
}

/// A SigV4a region set as the signer takes it: regions (or `*`, or a wildcard such as
/// `us-*`) separated by commas, spaces around them dropped. `from` names where it came from.
fn check_region_set(set: &str, from: &str) -> Result<Arc<str>, Error> {
    let regions: Vec<&str> = set.split(',').map(str::trim).collect();
    let valid = |r: &&str| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
    };
    if regions.iter().all(valid) {
        Ok(regions.join(",").into())
    } else {
        Err(Error::with(
            Kind::Build,
            format!(
                "invalid sigv4a_signing_region_set (from {from}): regions (letters, digits, '-', \
                 or '*') separated by commas"
            ),
        ))
    }
}

fn user_agent(info: &ServiceInfo, app_id: Option<&str>) -> HeaderValue {
    let mut ua = format!(
        "session-rs/{} os/{} lang/rust api/{}#{}",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        info.service_id.to_ascii_lowercase().replace(' ', "-"),
        info.api_version
    );
    if let Some(app) = app_id {
        let clean: String = app
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        ua.push_str(" app/");
        ua.push_str(&clean);
    }
    HeaderValue::from_str(&ua).unwrap_or(HeaderValue::from_static("session-rs"))
}

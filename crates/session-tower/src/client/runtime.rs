//! What all clients of one session share: the connection pool, the credentials cache, the
//! signer's key cache, the clock offset, and per service and region what every client of it
//! would otherwise work out again (the endpoint resolver, the user agent).

use std::sync::{Arc, Mutex, PoisonError};

use http::HeaderValue;

use session_core::Session;
use session_sigv4::Signer;

use super::ServiceInfo;
use crate::clock::Clock;
use crate::credentials::CredentialsCache;
use crate::endpoint::{EndpointResolver, SigningScope};
use crate::error::{Error, Kind};
use crate::transport::Transport;

pub(crate) struct SessionRuntime {
    transport: Result<Transport, String>,
    pub(crate) credentials: CredentialsCache,
    pub(crate) signer: Signer,
    pub(crate) clock: Clock,
    /// By service id and region, at most [`MAX_SERVICES`] entries.
    services: Mutex<Vec<(ServiceKey, Arc<ServiceState>)>>,
}

/// What every client of one service and region in a session starts from. All of it follows
/// from the session's settings, the service's description and the region, which a session
/// never changes, so the first client's copy serves the later ones: a second client costs
/// reference counts instead of an endpoint resolution and a few formatted strings.
pub(crate) struct ServiceState {
    /// The rule set, the session's endpoint parameters, and the endpoint they give alone
    /// (its cache of recent endpoints is shared too, which is what a cache is for).
    pub(crate) resolver: Arc<EndpointResolver>,
    /// The scope to sign with when the endpoint names no other.
    pub(crate) default_scope: SigningScope,
    pub(crate) user_agent: HeaderValue,
}

/// A service's description (by address: the dynamic client makes its own descriptions,
/// which may share a typed crate's service id) and the client's region.
type ServiceKey = (&'static ServiceInfo, Option<Arc<str>>);

/// A bound on the services and regions kept, so that a program making clients for ever new
/// regions does not grow the session without end; past it, clients make their own.
const MAX_SERVICES: usize = 64;

impl SessionRuntime {
    /// The session's shared state, made by the first client (or credentials lookup) with
    /// `roles` for the chain's role steps. Every generated service names the same
    /// `services-sts` provider, so whichever comes first makes the same chain.
    pub(crate) fn of(
        session: &Session,
        roles: Option<&'static dyn crate::credentials::AssumeRoles>,
    ) -> Arc<SessionRuntime> {
        session.shared_state(|| {
            let settings = session.settings();
            let transport = Transport::builder()
                .connect_timeout(Some(settings.connect_timeout()))
                .ca_bundle(settings.ca_bundle().map(Into::into))
                .build()
                .map_err(|e| e.to_string());
            let provider = crate::credentials::default_chain(session, transport.clone(), roles);
            SessionRuntime {
                transport,
                credentials: CredentialsCache::new(provider),
                signer: Signer::new(),
                clock: Clock::default(),
                services: Mutex::default(),
            }
        })
    }

    /// The state of `info`'s clients in `region`: the first client's, or made by `make`
    /// (outside the lock, so a slow `make` blocks no other service).
    pub(crate) fn service(
        &self,
        info: &'static ServiceInfo,
        region: &Option<Arc<str>>,
        make: impl FnOnce() -> ServiceState,
    ) -> Arc<ServiceState> {
        let found = self
            .services
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|((i, r), _)| std::ptr::eq(*i, info) && r == region)
            .map(|(_, state)| Arc::clone(state));
        if let Some(state) = found {
            return state;
        }
        let state = Arc::new(make());
        let mut services = self.services.lock().unwrap_or_else(PoisonError::into_inner);
        if services.len() < MAX_SERVICES {
            services.push(((info, region.clone()), Arc::clone(&state)));
        }
        state
    }

    pub(crate) fn transport(&self) -> Result<Transport, Error> {
        self.transport
            .clone()
            .map_err(|message| Error::with(Kind::Build, message))
    }
}

//! What all clients of one session share: the connection pool, the credentials cache, the
//! signer's key cache, and the clock offset.

use std::sync::Arc;

use session_core::Session;
use session_sigv4::Signer;

use crate::clock::Clock;
use crate::credentials::CredentialsCache;
use crate::error::{Error, Kind};
use crate::transport::Transport;

pub(crate) struct SessionRuntime {
    transport: Result<Transport, String>,
    pub(crate) credentials: CredentialsCache,
    pub(crate) signer: Signer,
    pub(crate) clock: Clock,
}

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
            }
        })
    }

    pub(crate) fn transport(&self) -> Result<Transport, Error> {
        self.transport
            .clone()
            .map_err(|message| Error::with(Kind::Build, message))
    }
}

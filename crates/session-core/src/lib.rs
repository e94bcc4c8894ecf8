//! Configuration resolution for AWS-style clients: a [`Session`] holds one resolved
//! configuration (credentials provider, region, profile and every other setting), each value
//! resolved the way the AWS SDKs resolve it — explicit > environment > shared
//! config/credentials files > default — and remembers where each value came from.
//!
//! ```
//! use session_core::{Env, Origin, Session};
//!
//! let session = Session::builder()
//!     // Inject the environment and files: nothing of this machine's own config is read.
//!     .env(Env::from_vars([("AWS_PROFILE", "dev"), ("AWS_MAX_ATTEMPTS", "5")]))
//!     .config_file_contents("[profile dev]\nregion = eu-central-1\nretry_mode = adaptive\n")
//!     .credentials_file_contents("[dev]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = example-secret\n")
//!     .build()?;
//!
//! assert_eq!(session.profile_name(), "dev");
//! assert_eq!(session.region(), Some("eu-central-1"));
//! assert_eq!(session.settings().max_attempts(), 5);
//! let origin = session.setting("max_attempts").unwrap().origin();
//! assert!(matches!(origin, Origin::Env { var } if var == "AWS_MAX_ATTEMPTS"));
//! println!("{}", session.explain());
//! # Ok::<(), session_core::Error>(())
//! ```
//!
//! The settings table (names, environment variables, profile keys, defaults) is in
//! `docs/configuration.md` and in [`known_settings`].

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod credentials;
mod env;
mod error;
mod fs;
mod origin;
pub mod profile;
mod session;
pub mod settings;

pub use env::Env;
pub use error::Error;
pub use fs::Fs;
pub use origin::{FileLocation, Origin};
pub use session::{
    default_session, set_default_session, Explain, Session, SessionBuilder, WeakSession,
};
pub use settings::{known_settings, ResolvedSetting, SettingInfo, SettingValue, Settings};

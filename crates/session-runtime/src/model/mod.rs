//! Shape tables from botocore's JSON: the one place that turns a model into the tables the
//! interpreter reads. The dynamic client calls it at run time; the generator calls it to
//! print the typed crates' `static` tables. So both kinds of client read tables built by
//! the same rules.
//!
//! Built tables live for the rest of the process (they are leaked, once per service): a
//! model is parsed once per process per service, and everything that reads it borrows it.

mod build;
mod parse;

use std::fmt;

pub use build::Options;

use crate::shapes::Service;

/// A model that could not be turned into tables.
#[derive(Debug)]
pub struct ModelError {
    message: String,
}

impl ModelError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ModelError {}

/// The tables of the service whose `service-2.json` is `json`, named `name` (botocore's
/// service name, e.g. `lambda`).
///
/// # Errors
/// JSON that is not a botocore model, a reference to a shape the model does not define, or
/// no protocol this runtime speaks.
pub fn build(name: &str, json: &str, options: &Options) -> Result<&'static Service, ModelError> {
    let model: parse::Model<'_> = serde_json::from_str(json)
        .map_err(|e| ModelError::new(format!("{name}: not a service model: {e}")))?;
    build::build(name, model, options)
}

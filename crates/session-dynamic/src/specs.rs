//! A service's paginators (`paginators-1.json`) and waiters (`waiters-2.json`), read into
//! what the runtime's paginator and waiter need.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;
use session_runtime::shapes::Service;
use session_runtime::{Acceptor, AcceptorState, Expected, JmesPath, Matcher, WaiterSpec};

/// How one operation pages.
#[derive(Debug)]
pub(crate) struct PaginatorSpec {
    /// Input members that take the next page's tokens.
    pub(crate) input_token: Vec<String>,
    /// Where each token is in an output (as many as `input_token`).
    pub(crate) output_token: Vec<JmesPath>,
    /// A member that says whether there are more pages, if the model names one.
    pub(crate) more_results: Option<JmesPath>,
    /// The input member that caps a page's size.
    pub(crate) limit_key: Option<String>,
    /// Where a page's items are (the first is what `.items()` takes by default).
    pub(crate) result_key: Vec<(String, JmesPath)>,
}

/// A waiter: the runtime's spec and the operation it polls.
#[derive(Debug)]
pub(crate) struct DynWaiter {
    pub(crate) operation: String,
    pub(crate) spec: &'static WaiterSpec,
}

/// Both files of a service.
#[derive(Debug, Default)]
pub(crate) struct Specs {
    pub(crate) paginators: BTreeMap<String, PaginatorSpec>,
    pub(crate) waiters: BTreeMap<String, DynWaiter>,
}

#[derive(Deserialize)]
struct PaginatorsFile {
    #[serde(default)]
    pagination: BTreeMap<String, RawPaginator>,
}

#[derive(Deserialize)]
struct RawPaginator {
    #[serde(default)]
    input_token: OneOrMany,
    #[serde(default)]
    output_token: OneOrMany,
    #[serde(default)]
    more_results: Option<String>,
    #[serde(default)]
    limit_key: Option<String>,
    #[serde(default)]
    result_key: OneOrMany,
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
    #[default]
    None,
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
            OneOrMany::None => Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct WaitersFile {
    #[serde(default)]
    waiters: BTreeMap<String, RawWaiter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawWaiter {
    operation: String,
    delay: u64,
    max_attempts: u32,
    acceptors: Vec<RawAcceptor>,
}

#[derive(Deserialize)]
struct RawAcceptor {
    state: String,
    matcher: String,
    #[serde(default)]
    argument: Option<String>,
    expected: Json,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

impl Specs {
    /// The service's paginators and waiters.
    ///
    /// # Errors
    /// A file that is not what botocore writes, a path outside the supported subset, a
    /// waiter or paginator of an operation the model does not have.
    pub(crate) fn parse(
        service: &Service,
        paginators: Option<&str>,
        waiters: Option<&str>,
    ) -> Result<Specs, String> {
        let mut out = Specs::default();
        if let Some(text) = paginators {
            let file: PaginatorsFile =
                serde_json::from_str(text).map_err(|e| format!("paginators-1.json: {e}"))?;
            for (name, raw) in file.pagination {
                let path = |p: &str| {
                    JmesPath::parse(p).map_err(|e| format!("paginator {name}: {p:?}: {e}"))
                };
                let spec = PaginatorSpec {
                    input_token: raw.input_token.into_vec(),
                    output_token: raw
                        .output_token
                        .into_vec()
                        .iter()
                        .map(|p| path(p))
                        .collect::<Result<_, _>>()?,
                    more_results: raw.more_results.as_deref().map(path).transpose()?,
                    limit_key: raw.limit_key,
                    result_key: raw
                        .result_key
                        .into_vec()
                        .into_iter()
                        .map(|k| path(&k).map(|p| (k, p)))
                        .collect::<Result<_, _>>()?,
                };
                if spec.input_token.len() != spec.output_token.len() {
                    return Err(format!(
                        "paginator {name}: {} input tokens but {} output tokens",
                        spec.input_token.len(),
                        spec.output_token.len()
                    ));
                }
                if service.operation(&name).is_some() {
                    out.paginators.insert(name, spec);
                }
            }
        }
        if let Some(text) = waiters {
            let file: WaitersFile =
                serde_json::from_str(text).map_err(|e| format!("waiters-2.json: {e}"))?;
            for (name, raw) in file.waiters {
                let acceptors = raw
                    .acceptors
                    .iter()
                    .map(|a| acceptor(&name, a))
                    .collect::<Result<Vec<_>, _>>()?;
                let spec: &'static WaiterSpec = Box::leak(Box::new(WaiterSpec {
                    name: leak(&name),
                    delay: raw.delay,
                    max_attempts: raw.max_attempts,
                    acceptors: Box::leak(acceptors.into_boxed_slice()),
                }));
                out.waiters.insert(
                    name,
                    DynWaiter {
                        operation: raw.operation,
                        spec,
                    },
                );
            }
        }
        Ok(out)
    }
}

fn expected(waiter: &str, v: &Json) -> Result<Expected, String> {
    Ok(match v {
        Json::String(s) => Expected::String(leak(s)),
        Json::Bool(b) => Expected::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Expected::Int(i),
            None => Expected::Float(n.as_f64().unwrap_or_default()),
        },
        other => return Err(format!("waiter {waiter}: expected value {other}")),
    })
}

fn acceptor(waiter: &str, a: &RawAcceptor) -> Result<Acceptor, String> {
    let state = match a.state.as_str() {
        "success" => AcceptorState::Success,
        "failure" => AcceptorState::Failure,
        "retry" => AcceptorState::Retry,
        other => return Err(format!("waiter {waiter}: acceptor state {other:?}")),
    };
    let argument = || {
        a.argument
            .as_deref()
            .map(leak)
            .ok_or_else(|| format!("waiter {waiter}: a {} matcher without argument", a.matcher))
    };
    let matcher = match a.matcher.as_str() {
        "path" => Matcher::Path(argument()?, expected(waiter, &a.expected)?),
        "pathAll" => Matcher::PathAll(argument()?, expected(waiter, &a.expected)?),
        "pathAny" => Matcher::PathAny(argument()?, expected(waiter, &a.expected)?),
        "status" => Matcher::Status(
            a.expected
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .ok_or_else(|| format!("waiter {waiter}: status {}", a.expected))?,
        ),
        "error" => match &a.expected {
            Json::String(code) => Matcher::Error(leak(code)),
            Json::Bool(true) => Matcher::AnyError,
            Json::Bool(false) => Matcher::NoError,
            other => return Err(format!("waiter {waiter}: error matcher expects {other}")),
        },
        other => return Err(format!("waiter {waiter}: matcher {other:?}")),
    };
    Ok(Acceptor { state, matcher })
}

//! Paginators by name: `client.paginate("ListFunctions", input)` is a stream of pages,
//! following the model's `paginators-1.json` (input and output tokens, `more_results`,
//! result keys), as botocore's paginator does.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt as _};
use serde_json::Value as Json;
use session_runtime::value::Value;
use session_runtime::JmesPath;

use crate::client::DynClient;
use crate::error::Error;

type PageStream = Pin<Box<dyn Stream<Item = Result<Value, Error>> + Send>>;

/// The pages of a paginated operation, fetched lazily, one request per page.
///
/// Ends when the output has no next token (or its `more_results` member says so), or
/// gives back the tokens it was sent (a guard against a service that would loop). An
/// error ends the stream after it is yielded.
///
/// ```no_run
/// use futures_util::TryStreamExt as _;
/// use session_dynamic::{SessionDynExt as _, Value};
///
/// # async fn run(session: session_core::Session) -> Result<(), session_dynamic::Error> {
/// let lambda = session.dyn_client("lambda")?;
/// let names: Vec<Value> = lambda
///     .paginate("ListFunctions", Value::map())
///     .items("Functions")
///     .try_collect()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Pages {
    pages: PageStream,
    /// The model's first result key, for [`Pages::all_items`].
    default_key: Option<String>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("default_key", &self.default_key)
            .finish_non_exhaustive()
    }
}

struct State {
    client: DynClient,
    op: &'static session_runtime::shapes::Operation,
    input: Value,
    sent: Option<Vec<Json>>,
    done: bool,
}

impl DynClient {
    /// The pages of `operation` (which must have a paginator in the model), from `input`.
    /// An unknown operation or one without a paginator is the stream's one error.
    pub fn paginate(&self, operation: &str, input: impl Into<Value>) -> Pages {
        self.paginate_sized(operation, input, None)
    }

    /// [`paginate`](Self::paginate) with at most `page_size` items a page (the model's
    /// limit key, such as `MaxItems`).
    pub fn paginate_sized(
        &self,
        operation: &str,
        input: impl Into<Value>,
        page_size: Option<i64>,
    ) -> Pages {
        let mut input = input.into();
        let spec = match self
            .operation(operation)
            .and_then(|op| Ok((op, self.model().paginator(op.name)?)))
        {
            Ok(found) => found,
            Err(e) => {
                return Pages {
                    pages: Box::pin(stream::iter([Err(e)])),
                    default_key: None,
                }
            }
        };
        let (op, spec) = spec;
        if let (Some(size), Some(key), Value::Map(m)) = (page_size, &spec.limit_key, &mut input) {
            m.insert(key.clone(), Value::Integer(size));
        }
        let default_key = spec.result_key.first().map(|(k, _)| k.clone());
        let start = State {
            client: self.clone(),
            op,
            input,
            sent: None,
            done: false,
        };
        let pages = stream::unfold(start, |mut state| async move {
            if state.done {
                return None;
            }
            let page = state.client.send(state.op, &state.input).await;
            match &page {
                Ok(out) => advance(&mut state, out),
                Err(_) => state.done = true,
            }
            Some((page, state))
        });
        Pages {
            pages: Box::pin(pages),
            default_key,
        }
    }
}

/// Sets the next page's tokens on the input, or ends the stream.
fn advance(state: &mut State, out: &Value) {
    let Ok(spec) = state.client.model().paginator(state.op.name) else {
        state.done = true;
        return;
    };
    let json = out.to_json();
    if let Some(more) = &spec.more_results {
        if !truthy(&more.eval(&json)) {
            state.done = true;
            return;
        }
    }
    let tokens: Vec<Json> = spec.output_token.iter().map(|p| p.eval(&json)).collect();
    let any = tokens.iter().any(|t| !matches!(t, Json::Null) && t != "");
    if !any || state.sent.as_ref() == Some(&tokens) {
        state.done = true;
        return;
    }
    if let Value::Map(m) = &mut state.input {
        for (name, token) in spec.input_token.iter().zip(&tokens) {
            if token.is_null() {
                m.shift_remove(name);
            } else {
                m.insert(name.clone(), Value::from_json(token));
            }
        }
    }
    state.sent = Some(tokens);
}

fn truthy(v: &Json) -> bool {
    match v {
        Json::Null | Json::Bool(false) => false,
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
        Json::Bool(true) | Json::Number(_) => true,
    }
}

impl Pages {
    /// The items of every page at `key`: a member name (`Functions`), or a path of the
    /// JMESPath subset (`Reservations[].Instances[]`), in order.
    pub fn items(self, key: &str) -> impl Stream<Item = Result<Value, Error>> + Send {
        let path = if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            None
        } else {
            Some(JmesPath::parse(key))
        };
        let key = key.to_owned();
        self.pages.flat_map(move |page| {
            let batch: Vec<Result<Value, Error>> = match (page, &path) {
                (Err(e), _) => vec![Err(e)],
                (Ok(out), None) => match out {
                    Value::Map(mut m) => match m.shift_remove(&key) {
                        Some(Value::List(items)) => items.into_iter().map(Ok).collect(),
                        Some(Value::Null) | None => Vec::new(),
                        Some(one) => vec![Ok(one)],
                    },
                    _ => Vec::new(),
                },
                (Ok(out), Some(Ok(path))) => match path.eval(&out.to_json()) {
                    Json::Array(items) => items.iter().map(|v| Ok(Value::from_json(v))).collect(),
                    Json::Null => Vec::new(),
                    one => vec![Ok(Value::from_json(&one))],
                },
                (Ok(_), Some(Err(why))) => {
                    vec![Err(Error::config(format!("items path {key:?}: {why}")))]
                }
            };
            stream::iter(batch)
        })
    }

    /// The items at the model's first result key (`.items("Functions")` for Lambda's
    /// ListFunctions).
    pub fn all_items(self) -> impl Stream<Item = Result<Value, Error>> + Send {
        let key = self.default_key.clone().unwrap_or_default();
        self.items(&key)
    }
}

impl Stream for Pages {
    type Item = Result<Value, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.pages.as_mut().poll_next(cx)
    }
}

//! Paginators: an operation repeated with the token of each page, as a stream.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt as _};

use crate::error::{ModeledError, OperationError};

type PageFuture<O, E> = Pin<Box<dyn Future<Output = Result<O, OperationError<E>>> + Send>>;
type Pages<O, E> = Pin<Box<dyn Stream<Item = Result<O, OperationError<E>>> + Send>>;

/// The pages of a paginated operation, fetched lazily, one request per page.
///
/// Stops when the output has no next token, or repeats the token it was given (a guard
/// against a service that would otherwise loop forever). An error ends the stream after
/// it is yielded.
pub struct Paginator<O, E, T> {
    pages: Pages<O, E>,
    items: fn(O) -> Vec<T>,
}

impl<O, E, T> Paginator<O, E, T>
where
    O: Send + 'static,
    E: ModeledError,
    T: Send + 'static,
{
    /// A paginator from the first input, how to set the next token on an input, how to
    /// read it from an output, how to send one input, and how to take a page's items.
    pub fn new<I, K>(
        input: I,
        set_token: fn(&mut I, Option<K>),
        next_token: fn(&O) -> Option<K>,
        send: impl Fn(I) -> PageFuture<O, E> + Send + Sync + 'static,
        items: fn(O) -> Vec<T>,
    ) -> Self
    where
        I: Clone + Send + 'static,
        K: PartialEq + Clone + Send + 'static,
    {
        struct State<I, K> {
            input: I,
            sent_token: Option<K>,
            done: bool,
        }
        let start = State {
            input,
            sent_token: None,
            done: false,
        };
        let pages = stream::unfold(start, move |mut state| {
            let fut = (!state.done).then(|| send(state.input.clone()));
            async move {
                let page = fut?.await;
                match &page {
                    Ok(out) => match next_token(out) {
                        Some(token) if state.sent_token.as_ref() != Some(&token) => {
                            set_token(&mut state.input, Some(token.clone()));
                            state.sent_token = Some(token);
                        }
                        _ => state.done = true,
                    },
                    Err(_) => state.done = true,
                }
                Some((page, state))
            }
        });
        Self {
            pages: Box::pin(pages),
            items,
        }
    }

    /// Each page's output.
    pub fn pages(self) -> impl Stream<Item = Result<O, OperationError<E>>> + Send {
        self.pages
    }

    /// The items of every page, in order.
    pub fn items(self) -> impl Stream<Item = Result<T, OperationError<E>>> + Send {
        let items = self.items;
        self.pages.flat_map(move |page| {
            let batch: Vec<Result<T, OperationError<E>>> = match page {
                Ok(out) => items(out).into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            stream::iter(batch)
        })
    }
}

impl<O, E, T> fmt::Debug for Paginator<O, E, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Paginator")
    }
}

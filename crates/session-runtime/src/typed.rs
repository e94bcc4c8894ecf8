//! What the typed service crates' generated code calls: one `send` for every operation of
//! every protocol, and the macros that keep each operation's generated code to a few lines
//! (its request builder's setters, its error enum).

use serde::de::DeserializeOwned;
use serde::Serialize;
use session_tower::{Client, SdkBody, ServiceError};

use crate::error::{ModeledError, OperationError};
use crate::shapes::{Service, ShapeId};

/// Sends operation `op` (its index in `service.operations`) with `input`: the request
/// written by the shape tables, the answer read into `O`, the service's errors as `E`.
/// Returns the unread body of a streamed output payload beside the output.
///
/// # Errors
/// An input that does not fit the model (nothing is sent), the service's error as `E`, a
/// stack error, or an answer that does not fit the model.
pub async fn send<I, O, E>(
    client: &Client,
    service: &'static Service,
    op: usize,
    input: &I,
    stream: Option<SdkBody>,
) -> Result<(O, Option<SdkBody>), OperationError<E>>
where
    I: Serialize + Sync,
    O: DeserializeOwned,
    E: ModeledError,
{
    crate::wire::call::call(client, service, &service.operations[op], input, stream)
        .await
        .map_err(OperationError::stack)
}

/// A typed service crate's marker (`S3`, `Sqs`): the shape tables its operations are
/// written and read by, for what works on any operation of it by name (the
/// [`Stubber`](crate::stub::Stubber)).
pub trait Modeled: session_tower::AwsService {
    /// The service's shape tables.
    fn tables() -> &'static Service;
}

/// A modeled error's members read from the service's error answer (what does not parse
/// is left unset; the code, message and request id are known already).
pub fn modeled_error<T: DeserializeOwned + Default>(
    service: &'static Service,
    shape: ShapeId,
    error: &ServiceError,
) -> T {
    crate::wire::response::parse_error(
        service,
        shape,
        error.status(),
        error.headers(),
        error.body(),
    )
}

/// Whether `error` is one of error shape `shape`: its type (the code, or the type beside a
/// query-compatible service's query code) is the shape's modeled code or its name.
pub fn is_error(error: &ServiceError, service: &'static Service, shape: ShapeId) -> bool {
    let s = service.shape(shape);
    [error.code(), error.error_type()]
        .into_iter()
        .flatten()
        .any(|c| s.error_code == Some(c) || s.name == c)
}

/// Serializes a map member in key order (`#[serde(serialize_with)]` on the typed structs'
/// map members): a `HashMap` iterates in no fixed order, and a request should be the same
/// bytes each time it is written (retries, signatures, tests).
///
/// # Errors
/// The serializer's.
pub fn sorted_map<S, K, V>(
    map: &Option<std::collections::HashMap<K, V>>,
    s: S,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    K: Serialize + AsRef<str>,
    V: Serialize,
{
    match map {
        None => s.serialize_none(),
        Some(map) => {
            let mut entries: Vec<(&K, &V)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
            s.collect_map(entries)
        }
    }
}

#[doc(hidden)]
pub mod private {
    pub use session_tower::{Client, SdkBody, ServiceError};
}

/// An operation's `send`: `Call(SERVICE, op index) -> Output, Error`, then what differs
/// from a plain call: `in member` (the input member holding a streamed payload), `out
/// member` (the output member receiving the streamed answer), `then path` (a hand-written
/// check the output passes through: `fn(&Input, Output) -> Result<Output,
/// OperationError<Error>>`).
#[macro_export]
macro_rules! send_fn {
    ($call:ident($service:path, $op:literal) -> $out:ty, $err:ty $(; in $fin:ident)? $(; out $fout:ident)? $(; then $custom:path)?) => {
        impl $call {
            /// Sends the call.
            ///
            /// # Errors
            /// An input that does not fit the model (nothing is sent; every problem is
            /// named), the service's error, or a stack error.
            pub async fn send(self) -> Result<$out, $crate::OperationError<$err>> {
                #[allow(unused_mut)]
                let mut input = self.input;
                let stream: Option<$crate::typed::private::SdkBody> =
                    None $(.or(input.$fin.take().map(|b| b.take())))?;
                #[allow(unused_mut, unused_variables)]
                let (mut output, stream): ($out, _) =
                    $crate::typed::send(&self.client, &$service, $op, &input, stream).await?;
                $(output.$fout = stream.map($crate::ByteStream::new);)?
                $(return $custom(&input, output);)?
                #[allow(unreachable_code)]
                Ok(output)
            }
        }
    };
}

/// A request builder: a struct holding the client and the input, a setter per input member
/// (`set field: Type = "Member";`, or `boxed field: Type = "Member";` for a boxed member),
/// `as_input` and `set_input`. With `returning` first, the builder takes a parameter, `R`
/// (default `()`), that a resource action sets to the resource the call returns.
#[macro_export]
macro_rules! call_type {
    ($(#[$doc:meta])* $name:ident($input:ty) { $($(#[$attr:meta])* $kind:ident $field:ident: $ty:ty = $member:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[must_use]
        pub struct $name {
            client: $crate::typed::private::Client,
            input: $input,
        }

        impl $name {
            pub(crate) fn new(client: $crate::typed::private::Client) -> Self {
                Self { client, input: Default::default() }
            }
            $($crate::call_type!(@setter $(#[$attr])* $kind $field: $ty = $member);)*
            $crate::call_type!(@input $input);
        }
    };
    (returning $(#[$doc:meta])* $name:ident($input:ty) { $($(#[$attr:meta])* $kind:ident $field:ident: $ty:ty = $member:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        #[must_use]
        pub struct $name<R = ()> {
            client: $crate::typed::private::Client,
            input: $input,
            ret: R,
        }

        impl $name {
            pub(crate) fn new(client: $crate::typed::private::Client) -> Self {
                Self { client, input: Default::default(), ret: () }
            }
        }

        impl<R> $name<R> {
            /// The same call, made for `ret`.
            pub(crate) fn returning<T>(self, ret: T) -> $name<T> {
                $name { client: self.client, input: self.input, ret }
            }

            /// The plain call, and what it was made for.
            pub(crate) fn into_plain(self) -> ($name, R) {
                ($name { client: self.client, input: self.input, ret: () }, self.ret)
            }
            $($crate::call_type!(@setter $(#[$attr])* $kind $field: $ty = $member);)*
            $crate::call_type!(@input $input);
        }
    };
    (@setter $(#[$attr:meta])* set $field:ident: $ty:ty = $member:literal) => {
        #[doc = concat!("Sets `", $member, "`.")]
        $(#[$attr])*
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.input.$field = Some(value.into());
            self
        }
    };
    (@setter $(#[$attr:meta])* boxed $field:ident: $ty:ty = $member:literal) => {
        #[doc = concat!("Sets `", $member, "`.")]
        $(#[$attr])*
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.input.$field = Some(Box::new(value.into()));
            self
        }
    };
    (@input $input:ty) => {
        /// The input as set so far.
        pub fn as_input(&self) -> &$input {
            &self.input
        }

        /// Replaces the whole input.
        pub fn set_input(mut self, input: $input) -> Self {
            self.input = input;
            self
        }
    };
}

/// An operation's error enum: a variant per modeled error (`Type = shape id` in the
/// service's table), `Unhandled` for the rest, `ModeledError`, `Display` and `Error`.
#[macro_export]
macro_rules! modeled_errors {
    ($(#[$doc:meta])* $name:ident($service:path) { $($ty:ident = $shape:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", stringify!($ty), "`")] $ty($ty),)*
            /// An error the model does not list for this operation.
            Unhandled($crate::typed::private::ServiceError),
        }

        impl $crate::ModeledError for $name {
            #[allow(unused_variables)]
            fn from_service_error(service: $crate::typed::private::ServiceError) -> Self {
                $(if $crate::typed::is_error(&service, &$service, $shape) {
                    return Self::$ty($ty {
                        meta: service.clone(),
                        ..$crate::typed::modeled_error(&$service, $shape, &service)
                    });
                })*
                Self::Unhandled(service)
            }

            fn service_error(&self) -> &$crate::typed::private::ServiceError {
                match self {
                    $(Self::$ty(e) => &e.meta,)*
                    Self::Unhandled(e) => e,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt($crate::ModeledError::service_error(self), f)
            }
        }

        impl std::error::Error for $name {}
    };
}

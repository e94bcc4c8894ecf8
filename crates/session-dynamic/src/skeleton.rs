//! Sample inputs: an operation's required members filled with placeholder values that fit
//! the model (an enum's first value, the minimum length or value), as a starting point for
//! a call (`session describe`) and for the census test that serializes every service's
//! first operation.

use session_runtime::shapes::{Kind, MemberFlags, Service, ShapeFlags, ShapeId};
use session_runtime::value::Value;
use session_runtime::Timestamp;

use crate::client::DynClient;
use crate::error::Error;

impl DynClient {
    /// An input for `operation` with every required member set to a placeholder that
    /// fits the model (nested required members too; optional ones left out).
    ///
    /// # Errors
    /// An unknown operation.
    pub fn sample_input(&self, operation: &str) -> Result<Value, Error> {
        let op = self.operation(operation)?;
        Ok(match op.input {
            Some(id) => sample(self.tables(), id, 0),
            None => Value::map(),
        })
    }
}

fn count(min: Option<i64>) -> usize {
    usize::try_from(min.unwrap_or(0).clamp(0, 64)).unwrap_or(0)
}

/// A length for text and bytes (longer minimums than lists').
fn length(min: Option<i64>) -> usize {
    usize::try_from(min.unwrap_or(1).clamp(1, 4096)).unwrap_or(1)
}

/// A placeholder value of shape `id`.
pub(crate) fn sample(service: &Service, id: ShapeId, depth: usize) -> Value {
    let shape = service.shape(id);
    match &shape.kind {
        Kind::Structure(members) => {
            let mut out = Value::map();
            if depth > 12 {
                return out;
            }
            let union = shape.flags.has(ShapeFlags::UNION);
            for (i, m) in members.iter().enumerate() {
                let required = m.flags.has(MemberFlags::REQUIRED)
                    && !m.flags.has(MemberFlags::IDEMPOTENCY_TOKEN)
                    && !m.flags.has(MemberFlags::STREAMING);
                if required || (union && i == 0) {
                    out = out.with(m.name, sample(service, m.shape, depth + 1));
                }
            }
            out
        }
        Kind::List(member) => Value::List(
            (0..count(shape.min))
                .map(|_| sample(service, member.shape, depth + 1))
                .collect(),
        ),
        Kind::Map(key, value) => {
            let mut out = Value::map();
            for i in 0..count(shape.min) {
                let k = match sample(service, key.shape, depth + 1) {
                    Value::String(s) => format!("{s}{i}"),
                    _ => format!("k{i}"),
                };
                out = out.with(k, sample(service, value.shape, depth + 1));
            }
            out
        }
        Kind::String(values) => match values.first() {
            Some(v) => Value::String((*v).to_owned()),
            None => Value::String("x".repeat(length(shape.min))),
        },
        Kind::Boolean => Value::Bool(false),
        Kind::Byte | Kind::Short | Kind::Integer | Kind::Long => {
            let n = shape.min.unwrap_or(1).max(1);
            Value::Integer(shape.max.map_or(n, |max| n.min(max)))
        }
        Kind::Float | Kind::Double => {
            let n = shape.min.unwrap_or(1).max(1);
            #[allow(clippy::cast_precision_loss)]
            Value::Float(shape.max.map_or(n, |max| n.min(max)) as f64)
        }
        Kind::Timestamp(_) => Value::Timestamp(Timestamp::from_secs(1_700_000_000)),
        Kind::Blob => Value::Blob(bytes::Bytes::from(vec![b'x'; length(shape.min)])),
        Kind::Document => Value::map(),
    }
}

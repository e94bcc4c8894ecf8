//! Values while evaluating, borrowing from the parameters and the rule set where possible.

use std::borrow::Cow;
use std::ops::Range;

use crate::functions::arn::{resource_ids, ArnParts};
use crate::functions::partition::PartitionOutputs;
use crate::functions::url::{normalized_path, UrlParts};
use crate::ruleset::ir::{Field, Seg};

/// A runtime value. `'a` is the lifetime of both the rule set and the parameters: strings
/// that come from either (including parts split off them) are borrowed, not copied.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    Int(i64),
    StrArray(&'a [String]),
    /// A list computed while evaluating (an ARN's whole `resourceId`).
    List(Vec<Cow<'a, str>>),
    // Boxed: they are rare, and keeping `Value` small keeps the slot array small.
    Url(Box<(Cow<'a, str>, UrlParts)>),
    Arn(Box<(Cow<'a, str>, ArnParts)>),
    Partition(&'a PartitionOutputs),
}

impl<'a> Value<'a> {
    pub(crate) fn into_str(self) -> Option<Cow<'a, str>> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// A part of `source`, borrowed for as long as `source` itself is.
pub(crate) fn slice<'a>(source: &Cow<'a, str>, range: Range<usize>) -> Cow<'a, str> {
    match source {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(range).unwrap_or_default()),
        Cow::Owned(s) => Cow::Owned(s.get(range).unwrap_or_default().to_owned()),
    }
}

/// Follows a `getAttr` path. Unset (`None`) for a missing index or an unset attribute.
pub(crate) fn get_path<'a>(value: &Value<'a>, path: &[Seg]) -> Option<Value<'a>> {
    let Some((first, rest)) = path.split_first() else {
        return Some(value.clone());
    };
    // `arn#resourceId[n]`: find the n-th part without building the whole list.
    if let (Value::Arn(arn), Seg::Field(Field::ResourceId), [Seg::Index(n), rest @ ..]) =
        (value, first, rest)
    {
        let (source, parts) = &**arn;
        let resource = source.get(parts.resource.clone())?;
        let id = resource_ids(resource).nth(*n)?;
        let next = Value::Str(slice(source, range_of(parts.resource.start, resource, id)));
        return get_path(&next, rest);
    }
    let next = attribute(value, *first)?;
    if rest.is_empty() {
        Some(next)
    } else {
        get_path(&next, rest)
    }
}

/// The range of `part` (a sub-slice of `whole`, which starts at `offset` of its source) in
/// that source, so that it can be borrowed from the source's own lifetime.
fn range_of(offset: usize, whole: &str, part: &str) -> Range<usize> {
    let start = offset + (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    start..start + part.len()
}

fn attribute<'a>(value: &Value<'a>, seg: Seg) -> Option<Value<'a>> {
    let field = match (value, seg) {
        (Value::StrArray(items), Seg::Index(i)) => {
            return items.get(i).map(|s| Value::Str(Cow::Borrowed(s)))
        }
        (Value::List(items), Seg::Index(i)) => return items.get(i).cloned().map(Value::Str),
        (_, Seg::Index(_)) => return None,
        (_, Seg::Field(field)) => field,
    };
    match value {
        Value::Url(url) => {
            let (source, parts) = &**url;
            Some(match field {
                Field::Scheme => Value::Str(slice(source, parts.scheme.clone())),
                Field::Authority => Value::Str(slice(source, parts.authority.clone())),
                Field::Path => Value::Str(slice(source, parts.path.clone())),
                Field::NormalizedPath => {
                    let path = source.get(parts.path.clone())?;
                    match normalized_path(path) {
                        Some(owned) => Value::Str(Cow::Owned(owned)),
                        None => Value::Str(slice(source, parts.path.clone())),
                    }
                }
                Field::IsIp => Value::Bool(parts.is_ip),
                _ => return None,
            })
        }
        Value::Arn(arn) => {
            let (source, parts) = &**arn;
            Some(match field {
                Field::Partition => Value::Str(slice(source, parts.partition.clone())),
                Field::Service => Value::Str(slice(source, parts.service.clone())),
                Field::Region => Value::Str(slice(source, parts.region.clone())),
                Field::AccountId => Value::Str(slice(source, parts.account_id.clone())),
                Field::ResourceId => {
                    let resource = source.get(parts.resource.clone())?;
                    let ids = resource_ids(resource)
                        .map(|id| slice(source, range_of(parts.resource.start, resource, id)));
                    Value::List(ids.collect())
                }
                _ => return None,
            })
        }
        Value::Partition(p) => {
            let text = |s: &'a Option<String>| s.as_deref().map(|s| Value::Str(Cow::Borrowed(s)));
            match field {
                Field::Name => Some(Value::Str(Cow::Borrowed(&p.name))),
                Field::DnsSuffix => text(&p.dns_suffix),
                Field::DualStackDnsSuffix => text(&p.dual_stack_dns_suffix),
                Field::ImplicitGlobalRegion => text(&p.implicit_global_region),
                Field::SupportsFips => p.supports_fips.map(Value::Bool),
                Field::SupportsDualStack => p.supports_dual_stack.map(Value::Bool),
                _ => None,
            }
        }
        _ => None,
    }
}

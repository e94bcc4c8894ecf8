//! Evaluating a compiled rule set against parameters.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::document::Document;
use crate::endpoint::Endpoint;
use crate::error::ResolveError;
use crate::functions::{arn, s3, string, url};
use crate::params::{ParamValue, Params};
use crate::ruleset::ir::{
    Action, Condition, EndpointTemplate, Expr, Func, Part, Prop, Rule, Slot, Template,
};
use crate::ruleset::{ParameterType, RuleSet};
use crate::value::{get_path, slice, Value};

/// Slots kept on the stack; rule sets that need more use the heap.
const STACK_SLOTS: usize = 48;

/// Resolves `params` against `rules` (the body of [`RuleSet::resolve`]).
pub(crate) fn resolve(rules: &RuleSet, params: &Params) -> Result<Endpoint, ResolveError> {
    // Every parameter and variable in scope has a slot. The rule sets AWS publishes need
    // a few dozen at most: keep those on the stack, so that the walk allocates nothing.
    let mut on_stack: [Option<Value<'_>>; STACK_SLOTS] = std::array::from_fn(|_| None);
    let mut on_heap = Vec::new();
    let slots: &mut [Option<Value<'_>>] = if rules.slots <= STACK_SLOTS {
        &mut on_stack[..rules.slots]
    } else {
        on_heap.resize_with(rules.slots, || None);
        &mut on_heap
    };

    for (name, value) in params.iter() {
        let (index, param) = rules
            .params
            .iter()
            .enumerate()
            .find(|(_, p)| p.name == name)
            .ok_or_else(|| ResolveError::unknown_param(name))?;
        if let Some(slot) = slots.get_mut(index) {
            *slot = Some(param_value(name, param.kind, value)?);
        }
    }
    for (slot, param) in slots.iter_mut().zip(rules.params.iter()) {
        if slot.is_none() {
            if let Some(default) = &param.default {
                *slot = Some(param_value(&param.name, param.kind, default)?);
            } else if param.required {
                return Err(ResolveError::missing_param(&param.name));
            }
        }
    }

    let mut eval = Eval { rules, slots };
    eval.rules(&rules.rules)?.ok_or_else(ResolveError::no_match)
}

fn param_value<'a>(
    name: &str,
    kind: ParameterType,
    value: &'a ParamValue,
) -> Result<Value<'a>, ResolveError> {
    match (kind, value) {
        (ParameterType::String, ParamValue::String(s)) => Ok(Value::Str(Cow::Borrowed(s))),
        (ParameterType::Boolean, ParamValue::Bool(b)) => Ok(Value::Bool(*b)),
        (ParameterType::StringArray, ParamValue::StringArray(v)) => Ok(Value::StrArray(v)),
        (kind, _) => Err(ResolveError::param_type(name, kind.describe())),
    }
}

struct Eval<'a, 's> {
    rules: &'a RuleSet,
    slots: &'s mut [Option<Value<'a>>],
}

impl<'a> Eval<'a, '_> {
    /// The first rule of `rules` whose conditions hold decides; `None` if none does.
    fn rules(&mut self, rules: &'a [Rule]) -> Result<Option<Endpoint>, ResolveError> {
        for rule in rules {
            if !self.conditions(&rule.conditions) {
                continue;
            }
            return match &rule.action {
                Action::Endpoint(endpoint) => self.endpoint(endpoint).map(Some),
                Action::Error(message) => {
                    Err(ResolveError::rule(self.output(message)?.into_owned()))
                }
                // A tree whose conditions hold is terminal: if none of its rules match,
                // the rule set has a gap, and falling through to later rules would hide it.
                Action::Tree(inner) => match self.rules(self.rules.subtree(inner)?)? {
                    Some(endpoint) => Ok(Some(endpoint)),
                    None => Err(ResolveError::no_match()),
                },
            };
        }
        Ok(None)
    }

    /// Evaluates conditions in order, binding `assign`s, until one is unset or `false`.
    fn conditions(&mut self, conditions: &'a [Condition]) -> bool {
        for condition in conditions {
            let Some(slot) = condition.assign else {
                // Most conditions are predicates on parameters: answer those without
                // building (and dropping) a value.
                if self.test(&condition.expr) != Some(true) {
                    return false;
                }
                continue;
            };
            match self.eval(&condition.expr) {
                None | Some(Value::Bool(false)) => return false,
                Some(value) => {
                    if let Some(slot) = self.slots.get_mut(slot) {
                        *slot = Some(value);
                    }
                }
            }
        }
        true
    }

    /// A condition's truth: `Some(true)` when it holds, `None` when it is unset. Predicates
    /// read their arguments in place; anything else is evaluated.
    fn test(&self, expr: &'a Expr) -> Option<bool> {
        match expr {
            Expr::Bool(b) => Some(*b),
            Expr::Ref(slot) => match self.slot(*slot)? {
                Value::Bool(b) => Some(*b),
                _ => Some(true),
            },
            Expr::Call(func, args) if func.is_predicate() => self.predicate(*func, args),
            _ => truthy(self.eval(expr)),
        }
    }

    /// A predicate of the library ([`Func::is_predicate`]), evaluated without building
    /// values; `None` when its result is unset.
    fn predicate(&self, func: Func, args: &'a [Expr]) -> Option<bool> {
        let arg = |i: usize| args.get(i);
        match func {
            Func::IsSet => Some(match arg(0)? {
                Expr::Ref(slot) => self.slot(*slot).is_some(),
                other => self.eval(other).is_some(),
            }),
            Func::Not => self.test_bool(arg(0)?).map(|b| !b),
            Func::BooleanEquals => {
                let a = self.test_bool(arg(0)?);
                Some(a.is_some() && a == self.test_bool(arg(1)?))
            }
            Func::StringEquals => {
                let (a, b) = (arg(0)?, arg(1)?);
                let equal = self.with_str(a, |a| self.with_str(b, |b| a == b));
                Some(equal.flatten() == Some(true))
            }
            Func::IsValidHostLabel | Func::AwsIsVirtualHostableS3Bucket => {
                let sub_domains = self.test_bool(arg(1)?);
                let valid = self.with_str(arg(0)?, |value| match sub_domains {
                    Some(s) if func == Func::IsValidHostLabel => url::is_valid_host_label(value, s),
                    Some(s) => s3::is_virtual_hostable_s3_bucket(value, s),
                    None => false,
                });
                Some(valid == Some(true))
            }
            _ => self.call(func, args)?.as_bool(),
        }
    }

    /// A boolean argument: like [`test`](Self::test), but a non-boolean is unset.
    fn test_bool(&self, expr: &'a Expr) -> Option<bool> {
        match expr {
            Expr::Bool(b) => Some(*b),
            Expr::Ref(slot) => self.slot(*slot)?.as_bool(),
            Expr::Call(func, args) if func.is_predicate() => self.predicate(*func, args),
            other => self.eval(other)?.as_bool(),
        }
    }

    /// Calls `f` with a string argument, borrowing it in place where it can.
    fn with_str<R>(&self, expr: &'a Expr, f: impl FnOnce(&str) -> R) -> Option<R> {
        match expr {
            Expr::Ref(slot) => match self.slot(*slot)? {
                Value::Str(s) => Some(f(s)),
                _ => None,
            },
            Expr::Str(template) => self.render(template).ok().map(|s| f(&s)),
            other => self.eval_str(other).map(|s| f(&s)),
        }
    }

    fn slot(&self, slot: Slot) -> Option<&Value<'a>> {
        self.slots.get(slot)?.as_ref()
    }

    fn eval(&self, expr: &'a Expr) -> Option<Value<'a>> {
        match expr {
            Expr::Str(template) => self.render(template).ok().map(Value::Str),
            Expr::Bool(b) => Some(Value::Bool(*b)),
            Expr::Int(n) => Some(Value::Int(*n)),
            Expr::Ref(slot) => self.slot(*slot).cloned(),
            // Read attributes of a variable in place rather than copying the record.
            Expr::GetAttr(target, path) => match &**target {
                Expr::Ref(slot) => get_path(self.slot(*slot)?, path),
                other => get_path(&self.eval(other)?, path),
            },
            Expr::Call(func, args) => self.call(*func, args),
        }
    }

    fn eval_str(&self, expr: &'a Expr) -> Option<Cow<'a, str>> {
        self.eval(expr)?.into_str()
    }

    fn eval_bool(&self, expr: &'a Expr) -> Option<bool> {
        self.eval(expr)?.as_bool()
    }

    fn eval_int(&self, expr: &'a Expr) -> Option<i64> {
        match self.eval(expr)? {
            Value::Int(n) => Some(n),
            _ => None,
        }
    }

    /// Calls a value-returning library function. Arguments are type-checked at compile
    /// time; an unset argument makes the result unset. Predicates go to
    /// [`predicate`](Self::predicate), so that both paths agree by construction.
    fn call(&self, func: Func, args: &'a [Expr]) -> Option<Value<'a>> {
        let arg = |i: usize| args.get(i);
        match func {
            Func::IsSet
            | Func::Not
            | Func::StringEquals
            | Func::BooleanEquals
            | Func::IsValidHostLabel
            | Func::AwsIsVirtualHostableS3Bucket => self.predicate(func, args).map(Value::Bool),
            Func::Substring => {
                let input = self.eval_str(arg(0)?)?;
                let start = self.eval_int(arg(1)?)?;
                let stop = self.eval_int(arg(2)?)?;
                let reverse = self.eval_bool(arg(3)?)?;
                let range = string::substring(&input, start, stop, reverse)?;
                Some(Value::Str(slice(&input, range)))
            }
            Func::UriEncode => {
                let input = self.eval_str(arg(0)?)?;
                Some(Value::Str(match string::uri_encode(&input) {
                    Cow::Borrowed(_) => input,
                    Cow::Owned(encoded) => Cow::Owned(encoded),
                }))
            }
            Func::ParseUrl => {
                let input = self.eval_str(arg(0)?)?;
                let parts = url::parse_url(&input)?;
                Some(Value::Url(Box::new((input, parts))))
            }
            Func::AwsPartition => {
                let region = self.eval_str(arg(0)?)?;
                let table = self.rules.partitions.as_deref()?;
                table.resolve(&region).map(Value::Partition)
            }
            Func::AwsParseArn => {
                let input = self.eval_str(arg(0)?)?;
                let parts = arn::parse_arn(&input)?;
                Some(Value::Arn(Box::new((input, parts))))
            }
        }
    }

    /// Renders a template; on an unset variable, returns the variable's text.
    fn render(&self, template: &'a Template) -> Result<Cow<'a, str>, &'a str> {
        match &*template.parts {
            [] => Ok(Cow::Borrowed("")),
            [Part::Lit(text)] => Ok(Cow::Borrowed(text)),
            [var @ Part::Var { .. }] => self.part(var),
            parts => {
                let mut out = String::with_capacity(64);
                for part in parts {
                    match part {
                        Part::Lit(text) => out.push_str(text),
                        Part::Var { .. } => out.push_str(&self.part(part)?),
                    }
                }
                Ok(Cow::Owned(out))
            }
        }
    }

    fn part(&self, part: &'a Part) -> Result<Cow<'a, str>, &'a str> {
        match part {
            Part::Lit(text) => Ok(Cow::Borrowed(text)),
            Part::Var { slot, path, source } => self
                .slot(*slot)
                .and_then(|value| get_path(value, path))
                .and_then(Value::into_str)
                .ok_or(source),
        }
    }

    /// A string for the output (URL, header, error message): unset is an error here.
    fn output(&self, expr: &'a Expr) -> Result<Cow<'a, str>, ResolveError> {
        match expr {
            Expr::Str(template) => self
                .render(template)
                .map_err(|var| ResolveError::unset(var.to_owned())),
            other => self
                .eval_str(other)
                .ok_or_else(|| ResolveError::unset(describe(other).to_owned())),
        }
    }

    fn endpoint(&self, endpoint: &'a EndpointTemplate) -> Result<Endpoint, ResolveError> {
        let url = self.output(&endpoint.url)?.into_owned();
        let mut headers = BTreeMap::new();
        for (name, values) in &*endpoint.headers {
            let values = values
                .iter()
                .map(|v| self.output(v).map(Cow::into_owned))
                .collect::<Result<Vec<_>, _>>()?;
            headers.insert(name.clone(), values);
        }
        let mut properties = BTreeMap::new();
        for (name, prop) in &*endpoint.properties {
            properties.insert(name.clone(), self.document(prop)?);
        }
        Ok(Endpoint::new(url, headers, properties))
    }

    fn document(&self, prop: &'a Prop) -> Result<Document, ResolveError> {
        Ok(match prop {
            Prop::Null => Document::Null,
            Prop::Bool(b) => Document::Bool(*b),
            Prop::Number(n) => Document::Number(*n),
            Prop::Str(template) => Document::String(
                self.render(template)
                    .map_err(|var| ResolveError::unset(var.to_owned()))?
                    .into_owned(),
            ),
            Prop::Array(items) => Document::Array(
                items
                    .iter()
                    .map(|item| self.document(item))
                    .collect::<Result<_, _>>()?,
            ),
            Prop::Object(members) => Document::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.document(v)?)))
                    .collect::<Result<_, ResolveError>>()?,
            ),
        })
    }
}

/// A condition's value as a truth: set and not `false`.
fn truthy(value: Option<Value<'_>>) -> Option<bool> {
    value.map(|v| !matches!(v, Value::Bool(false)))
}

/// A name for a non-template output expression, for the "unset" error.
fn describe(expr: &Expr) -> &'static str {
    match expr {
        Expr::Ref(_) => "a parameter or variable",
        Expr::GetAttr(..) => "an attribute",
        _ => "a function result",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rule_sets_fit_the_stack_slots() {
        for svc in ["s3", "sqs", "sts", "dynamodb"] {
            let path = format!(
                "{}/../../models/{svc}/endpoint-rule-set-1.json",
                env!("CARGO_MANIFEST_DIR")
            );
            let rules = RuleSet::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
            assert!(rules.slots <= STACK_SLOTS, "{svc}: {} slots", rules.slots);
        }
        assert!(std::mem::size_of::<Value<'_>>() <= 32);
    }

    #[test]
    fn rule_sets_with_many_slots_use_the_heap() {
        let names: Vec<String> = (0..STACK_SLOTS + 5).map(|i| format!("P{i}")).collect();
        let parameters: Vec<String> = names
            .iter()
            .map(|n| format!(r#""{n}": {{"type": "String", "default": "{n}"}}"#))
            .collect();
        let json = format!(
            r#"{{"version": "1.0", "parameters": {{{}}}, "rules": [{{"type": "endpoint", "conditions": [],
                "endpoint": {{"url": "https://{{P{last}}}"}}}}]}}"#,
            parameters.join(","),
            last = STACK_SLOTS + 4
        );
        let rules = RuleSet::from_json(&json).unwrap();
        assert!(rules.slots > STACK_SLOTS);
        let endpoint = rules.resolve(&Params::new().str("P0", "x")).unwrap();
        assert_eq!(endpoint.url(), format!("https://P{}", STACK_SLOTS + 4));
    }
}

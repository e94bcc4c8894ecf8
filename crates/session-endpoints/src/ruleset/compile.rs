//! Compiling the `rules` section: names to slots, templates and paths pre-split, and a type
//! check, so that every mistake a rule set can make is reported when it is loaded and the
//! evaluator can trust what it runs.

use serde_json::{Map, Value as Json};

use super::ir::{
    Action, Condition, EndpointTemplate, Expr, Field, Func, Part, Prop, Rule, Seg, Slot, Subtree,
    Template,
};
use super::parse::{array, member, object, only_members, string, At};
use super::template::{parse_path, parse_template, RawPart, RawSeg};
use super::{Parameter, ParameterType};
use crate::error::RuleSetError;

/// The static type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Bool,
    Int,
    StrArray,
    Url,
    Arn,
    Partition,
}

impl Ty {
    fn describe(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Bool => "boolean",
            Ty::Int => "integer",
            Ty::StrArray => "string array",
            Ty::Url => "URL (from parseURL)",
            Ty::Arn => "ARN (from aws.parseArn)",
            Ty::Partition => "partition (from aws.partition)",
        }
    }
}

/// What a compiled rule set needs besides its rules.
pub(crate) struct Compiled {
    pub(crate) rules: Box<[Rule]>,
    pub(crate) slots: usize,
    pub(crate) uses_partitions: bool,
}

/// Compiles `rules` against the declared parameters.
pub(crate) fn compile(
    rules: &Json,
    params: &[Parameter],
    at: &At<'_>,
) -> Result<Compiled, RuleSetError> {
    let scope = params
        .iter()
        .enumerate()
        .map(|(slot, p)| {
            let ty = match p.kind {
                ParameterType::String => Ty::Str,
                ParameterType::Boolean => Ty::Bool,
                ParameterType::StringArray => Ty::StrArray,
            };
            (p.name.clone(), slot, ty)
        })
        .collect();
    let mut compiler = Compiler {
        scope,
        slots: params.len(),
        uses_partitions: false,
    };
    let rules = compiler.rules(rules, at)?;
    Ok(Compiled {
        rules,
        slots: compiler.slots,
        uses_partitions: compiler.uses_partitions,
    })
}

struct Compiler {
    /// Names visible at this point: parameters, then variables of enclosing conditions.
    scope: Vec<(String, Slot, Ty)>,
    /// The most slots in use at once: parameters plus the deepest chain of variables.
    slots: usize,
    uses_partitions: bool,
}

impl Compiler {
    fn rules(&mut self, json: &Json, at: &At<'_>) -> Result<Box<[Rule]>, RuleSetError> {
        let items = array(json, at)?;
        if items.is_empty() {
            return Err(at.error("a rule list must not be empty"));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, rule)| self.rule(rule, &at.index(i)))
            .collect()
    }

    fn rule(&mut self, json: &Json, at: &At<'_>) -> Result<Rule, RuleSetError> {
        let map = object(json, at)?;
        let kind_at = at.key("type");
        let kind = string(member(map, "type", at)?, &kind_at)?;
        let conditions_at = at.key("conditions");
        let conditions_json = array(member(map, "conditions", at)?, &conditions_at)?;

        // Variables assigned by this rule's conditions are visible to its later conditions
        // and its body, and nowhere else.
        let outer = self.scope.len();
        let result = self.rule_body(map, kind, conditions_json, at, &kind_at, &conditions_at);
        self.scope.truncate(outer);
        result
    }

    fn rule_body(
        &mut self,
        map: &Map<String, Json>,
        kind: &str,
        conditions_json: &[Json],
        at: &At<'_>,
        kind_at: &At<'_>,
        conditions_at: &At<'_>,
    ) -> Result<Rule, RuleSetError> {
        let conditions = conditions_json
            .iter()
            .enumerate()
            .map(|(i, c)| self.condition(c, &conditions_at.index(i)))
            .collect::<Result<Box<[_]>, _>>()?;
        let action = match kind {
            "endpoint" => {
                only_members(
                    map,
                    &["type", "conditions", "endpoint", "documentation"],
                    at,
                )?;
                let endpoint_at = at.key("endpoint");
                Action::Endpoint(Box::new(
                    self.endpoint(member(map, "endpoint", at)?, &endpoint_at)?,
                ))
            }
            "error" => {
                only_members(map, &["type", "conditions", "error", "documentation"], at)?;
                let error_at = at.key("error");
                let (expr, ty) = self.expr(member(map, "error", at)?, &error_at)?;
                expect(ty, Ty::Str, &error_at)?;
                Action::Error(expr)
            }
            "tree" => {
                only_members(map, &["type", "conditions", "rules", "documentation"], at)?;
                Action::Tree(Subtree::Ready(
                    self.rules(member(map, "rules", at)?, &at.key("rules"))?,
                ))
            }
            other => {
                return Err(kind_at.error(format!(
                    "unknown rule type `{other}` (expected endpoint, error or tree)"
                )))
            }
        };
        Ok(Rule { conditions, action })
    }

    fn condition(&mut self, json: &Json, at: &At<'_>) -> Result<Condition, RuleSetError> {
        let map = object(json, at)?;
        if !map.contains_key("fn") {
            return Err(at.error("a condition must be a function call (`fn` and `argv`)"));
        }
        only_members(map, &["fn", "argv", "assign", "documentation"], at)?;
        let (expr, ty) = self.call(map, at)?;
        let assign = match map.get("assign") {
            None => None,
            Some(name) => {
                let assign_at = at.key("assign");
                let name = string(name, &assign_at)?;
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(assign_at.error("a variable name must be letters, digits and `_`"));
                }
                if self.lookup(name).is_some() {
                    return Err(assign_at.error(format!("`{name}` is already defined here")));
                }
                // Slots are a stack: a variable takes the next slot above everything
                // visible here, and sibling rules reuse it once this rule is done. A
                // reference is only ever compiled inside its variable's scope, so it
                // always reads the value its own `assign` stored.
                let slot = self.scope.len();
                self.scope.push((name.to_owned(), slot, ty));
                self.slots = self.slots.max(self.scope.len());
                Some(slot)
            }
        };
        Ok(Condition { expr, assign })
    }

    fn endpoint(&mut self, json: &Json, at: &At<'_>) -> Result<EndpointTemplate, RuleSetError> {
        let map = object(json, at)?;
        only_members(map, &["url", "headers", "properties"], at)?;
        let url_at = at.key("url");
        let (url, ty) = self.expr(member(map, "url", at)?, &url_at)?;
        expect(ty, Ty::Str, &url_at)?;

        let mut headers = Vec::new();
        if let Some(json) = map.get("headers") {
            let headers_at = at.key("headers");
            for (name, values) in object(json, &headers_at)? {
                let name_at = headers_at.key(name);
                let values = array(values, &name_at)?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let value_at = name_at.index(i);
                        let (expr, ty) = self.expr(v, &value_at)?;
                        expect(ty, Ty::Str, &value_at)?;
                        Ok(expr)
                    })
                    .collect::<Result<Box<[_]>, RuleSetError>>()?;
                headers.push((name.clone(), values));
            }
        }

        let mut properties = Vec::new();
        if let Some(json) = map.get("properties") {
            let properties_at = at.key("properties");
            for (name, value) in object(json, &properties_at)? {
                properties.push((name.clone(), self.prop(value, &properties_at.key(name))?));
            }
        }
        Ok(EndpointTemplate {
            url,
            headers: headers.into(),
            properties: properties.into(),
        })
    }

    fn prop(&mut self, json: &Json, at: &At<'_>) -> Result<Prop, RuleSetError> {
        Ok(match json {
            Json::Null => Prop::Null,
            Json::Bool(b) => Prop::Bool(*b),
            Json::Number(n) => {
                Prop::Number(n.as_f64().ok_or_else(|| at.error("number out of range"))?)
            }
            Json::String(s) => Prop::Str(self.template(s, at)?),
            Json::Array(items) => Prop::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.prop(item, &at.index(i)))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(map) => Prop::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.prop(v, &at.key(k))?)))
                    .collect::<Result<_, RuleSetError>>()?,
            ),
        })
    }

    fn expr(&mut self, json: &Json, at: &At<'_>) -> Result<(Expr, Ty), RuleSetError> {
        match json {
            Json::String(s) => Ok((Expr::Str(self.template(s, at)?), Ty::Str)),
            Json::Bool(b) => Ok((Expr::Bool(*b), Ty::Bool)),
            Json::Number(n) => {
                let n = n.as_i64().ok_or_else(|| at.error("numbers must be integers"))?;
                Ok((Expr::Int(n), Ty::Int))
            }
            Json::Object(map) if map.contains_key("ref") => {
                only_members(map, &["ref"], at)?;
                let ref_at = at.key("ref");
                let name = string(member(map, "ref", at)?, &ref_at)?;
                let (slot, ty) = self
                    .lookup(name)
                    .ok_or_else(|| ref_at.error(format!("`{name}` is not defined here")))?;
                Ok((Expr::Ref(slot), ty))
            }
            Json::Object(map) if map.contains_key("fn") => {
                // Only conditions may `assign`; a nested call that tries is a mistake.
                only_members(map, &["fn", "argv"], at)?;
                self.call(map, at)
            }
            _ => Err(at.error(
                "expected an expression: a string, boolean, integer, {\"ref\": ...} or {\"fn\": ..., \"argv\": [...]}",
            )),
        }
    }

    fn call(&mut self, map: &Map<String, Json>, at: &At<'_>) -> Result<(Expr, Ty), RuleSetError> {
        let fn_at = at.key("fn");
        let name = string(member(map, "fn", at)?, &fn_at)?;
        let argv_at = at.key("argv");
        let argv = array(member(map, "argv", at)?, &argv_at)?;

        if name == "getAttr" {
            return self.get_attr(argv, &argv_at);
        }
        use Ty::{Bool, Int, Partition, Str, Url};
        let (func, params, ret): (Func, &[Option<Ty>], Ty) = match name {
            // `None` accepts any type.
            "isSet" => (Func::IsSet, &[None], Bool),
            "not" => (Func::Not, &[Some(Bool)], Bool),
            "stringEquals" => (Func::StringEquals, &[Some(Str), Some(Str)], Bool),
            "booleanEquals" => (Func::BooleanEquals, &[Some(Bool), Some(Bool)], Bool),
            "substring" => (
                Func::Substring,
                &[Some(Str), Some(Int), Some(Int), Some(Bool)],
                Str,
            ),
            "uriEncode" => (Func::UriEncode, &[Some(Str)], Str),
            "parseURL" => (Func::ParseUrl, &[Some(Str)], Url),
            "isValidHostLabel" => (Func::IsValidHostLabel, &[Some(Str), Some(Bool)], Bool),
            "aws.partition" => (Func::AwsPartition, &[Some(Str)], Partition),
            "aws.parseArn" => (Func::AwsParseArn, &[Some(Str)], Ty::Arn),
            "aws.isVirtualHostableS3Bucket" => (
                Func::AwsIsVirtualHostableS3Bucket,
                &[Some(Str), Some(Bool)],
                Bool,
            ),
            other => return Err(fn_at.error(format!("unknown function `{other}`"))),
        };
        if argv.len() != params.len() {
            return Err(argv_at.error(format!(
                "`{name}` takes {} argument(s), got {}",
                params.len(),
                argv.len()
            )));
        }
        let mut args = Vec::with_capacity(argv.len());
        for (i, (arg, want)) in argv.iter().zip(params).enumerate() {
            let arg_at = argv_at.index(i);
            let (expr, ty) = self.expr(arg, &arg_at)?;
            if let Some(want) = want {
                expect(ty, *want, &arg_at)?;
            }
            args.push(expr);
        }
        if func == Func::AwsPartition {
            self.uses_partitions = true;
        }
        Ok((Expr::Call(func, args.into()), ret))
    }

    fn get_attr(&mut self, argv: &[Json], at: &At<'_>) -> Result<(Expr, Ty), RuleSetError> {
        let [target, path] = argv else {
            return Err(at.error(format!("`getAttr` takes 2 arguments, got {}", argv.len())));
        };
        let target_at = at.index(0);
        let (target, ty) = self.expr(target, &target_at)?;
        let path_at = at.index(1);
        let path = string(path, &path_at)?;
        let (segs, ty) = typed_path(ty, path).map_err(|m| path_at.error(m))?;
        Ok((Expr::GetAttr(Box::new(target), segs), ty))
    }

    fn template(&mut self, text: &str, at: &At<'_>) -> Result<Template, RuleSetError> {
        let raw = parse_template(text).map_err(|m| at.error(m))?;
        let mut parts = Vec::with_capacity(raw.len());
        for part in raw {
            parts.push(match part {
                RawPart::Lit(text) => Part::Lit(text.into()),
                RawPart::Var { name, path, source } => {
                    let (slot, ty) = self.lookup(name).ok_or_else(|| {
                        at.error(format!("`{name}` in template {text:?} is not defined here"))
                    })?;
                    let (path, ty) = match path {
                        Some(path) => typed_path(ty, path).map_err(|m| at.error(m))?,
                        None => (Box::default(), ty),
                    };
                    if ty != Ty::Str {
                        return Err(at.error(format!(
                            "`{{{source}}}` in template {text:?} is a {}, not a string",
                            ty.describe()
                        )));
                    }
                    Part::Var {
                        slot,
                        path,
                        source: source.into(),
                    }
                }
            });
        }
        Ok(Template {
            parts: parts.into(),
        })
    }

    fn lookup(&self, name: &str) -> Option<(Slot, Ty)> {
        self.scope
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, slot, ty)| (*slot, *ty))
    }
}

/// Resolves a `getAttr` path against the type it is applied to.
fn typed_path(mut ty: Ty, path: &str) -> Result<(Box<[Seg]>, Ty), String> {
    let raw = parse_path(path)?;
    let mut segs = Vec::with_capacity(raw.len());
    for seg in raw {
        let (seg, next) = match (ty, seg) {
            (Ty::StrArray, RawSeg::Index(i)) => (Seg::Index(i), Ty::Str),
            (_, RawSeg::Field(name)) => {
                let (field, next) = field(ty, name)
                    .ok_or_else(|| format!("a {} has no attribute `{name}`", ty.describe()))?;
                (Seg::Field(field), next)
            }
            (_, RawSeg::Index(_)) => return Err(format!("a {} cannot be indexed", ty.describe())),
        };
        segs.push(seg);
        ty = next;
    }
    Ok((segs.into(), ty))
}

fn field(ty: Ty, name: &str) -> Option<(Field, Ty)> {
    Some(match (ty, name) {
        (Ty::Url, "scheme") => (Field::Scheme, Ty::Str),
        (Ty::Url, "authority") => (Field::Authority, Ty::Str),
        (Ty::Url, "path") => (Field::Path, Ty::Str),
        (Ty::Url, "normalizedPath") => (Field::NormalizedPath, Ty::Str),
        (Ty::Url, "isIp") => (Field::IsIp, Ty::Bool),
        (Ty::Arn, "partition") => (Field::Partition, Ty::Str),
        (Ty::Arn, "service") => (Field::Service, Ty::Str),
        (Ty::Arn, "region") => (Field::Region, Ty::Str),
        (Ty::Arn, "accountId") => (Field::AccountId, Ty::Str),
        (Ty::Arn, "resourceId") => (Field::ResourceId, Ty::StrArray),
        (Ty::Partition, "name") => (Field::Name, Ty::Str),
        (Ty::Partition, "dnsSuffix") => (Field::DnsSuffix, Ty::Str),
        (Ty::Partition, "dualStackDnsSuffix") => (Field::DualStackDnsSuffix, Ty::Str),
        (Ty::Partition, "implicitGlobalRegion") => (Field::ImplicitGlobalRegion, Ty::Str),
        (Ty::Partition, "supportsFIPS") => (Field::SupportsFips, Ty::Bool),
        (Ty::Partition, "supportsDualStack") => (Field::SupportsDualStack, Ty::Bool),
        _ => return None,
    })
}

fn expect(got: Ty, want: Ty, at: &At<'_>) -> Result<(), RuleSetError> {
    if got == want {
        Ok(())
    } else {
        Err(at.error(format!(
            "expected a {}, found a {}",
            want.describe(),
            got.describe()
        )))
    }
}

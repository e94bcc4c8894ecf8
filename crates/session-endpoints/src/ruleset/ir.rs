//! The compiled form of a rule set: what the evaluator walks.
//!
//! Every name is resolved at compile time: parameters and `assign`ed variables become slot
//! numbers into one flat array, `getAttr` paths become lists of typed segments, and string
//! templates are split into literal and variable parts. Resolving therefore never looks a
//! name up or parses anything.

/// An index into the evaluator's value array: parameters first, then the variables in
/// scope, innermost last (variables of sibling rules share slots).
pub(crate) type Slot = usize;

/// One rule: conditions that must all hold, then what to do.
#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) conditions: Box<[Condition]>,
    pub(crate) action: Action,
}

/// A function call whose result must be set and not `false`, optionally bound to a slot.
#[derive(Debug)]
pub(crate) struct Condition {
    pub(crate) expr: Expr,
    pub(crate) assign: Option<Slot>,
}

/// What a rule does once its conditions hold.
#[derive(Debug)]
pub(crate) enum Action {
    Endpoint(Box<EndpointTemplate>),
    /// The message (a string expression, usually a template).
    Error(Expr),
    /// Sub-rules; a matched tree is terminal, so one of them must match.
    Tree(Subtree),
}

/// The rules of a `tree` rule: compiled, or (in a rule set loaded from bytes) still
/// encoded until a resolution first reaches them, so that loading S3's rule set builds only
/// its top level and a process pays for the branches its requests take.
#[derive(Debug)]
pub(crate) enum Subtree {
    Ready(Box<[Rule]>),
    Encoded(Box<Encoded>),
}

/// A subtree still in the rule set's bytes ([`RuleSet::encoded`](super::RuleSet)).
#[derive(Debug)]
pub(crate) struct Encoded {
    /// Where its rules are, in the rule set's bytes.
    pub(crate) range: std::ops::Range<usize>,
    /// How deeply it is nested, so decoding keeps the depth limit across subtrees.
    pub(crate) depth: usize,
    /// The decoded rules, or why they did not decode.
    pub(crate) rules: std::sync::OnceLock<Result<Box<[Rule]>, String>>,
}

/// The `endpoint` of an endpoint rule.
#[derive(Debug)]
pub(crate) struct EndpointTemplate {
    pub(crate) url: Expr,
    pub(crate) headers: Box<[(String, Box<[Expr]>)]>,
    pub(crate) properties: Box<[(String, Prop)]>,
}

/// An endpoint property value: a JSON literal whose strings are templates.
#[derive(Debug)]
pub(crate) enum Prop {
    Null,
    Bool(bool),
    Number(f64),
    Str(Template),
    Array(Box<[Prop]>),
    Object(Box<[(String, Prop)]>),
}

/// An expression of the rules language.
#[derive(Debug)]
pub(crate) enum Expr {
    /// A string literal, which may contain `{var}` substitutions.
    Str(Template),
    Bool(bool),
    Int(i64),
    Ref(Slot),
    GetAttr(Box<Expr>, Box<[Seg]>),
    Call(Func, Box<[Expr]>),
}

/// The functions this engine implements (`getAttr` is [`Expr::GetAttr`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    IsSet,
    Not,
    StringEquals,
    BooleanEquals,
    Substring,
    UriEncode,
    ParseUrl,
    IsValidHostLabel,
    AwsPartition,
    AwsParseArn,
    AwsIsVirtualHostableS3Bucket,
}

impl Func {
    /// Functions that return a boolean and are evaluated without building values.
    pub(crate) fn is_predicate(self) -> bool {
        matches!(
            self,
            Func::IsSet
                | Func::Not
                | Func::StringEquals
                | Func::BooleanEquals
                | Func::IsValidHostLabel
                | Func::AwsIsVirtualHostableS3Bucket
        )
    }
}

/// One step of a `getAttr` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seg {
    Field(Field),
    Index(usize),
}

/// The attributes of the record types (`parseURL`, `aws.parseArn`, `aws.partition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    // parseURL
    Scheme,
    Authority,
    Path,
    NormalizedPath,
    IsIp,
    // aws.parseArn
    Partition,
    Service,
    Region,
    AccountId,
    ResourceId,
    // aws.partition
    Name,
    DnsSuffix,
    DualStackDnsSuffix,
    ImplicitGlobalRegion,
    SupportsFips,
    SupportsDualStack,
}

/// A string with `{var}` / `{var#path}` substitutions, pre-split.
#[derive(Debug)]
pub(crate) struct Template {
    pub(crate) parts: Box<[Part]>,
}

/// A piece of a [`Template`].
#[derive(Debug)]
pub(crate) enum Part {
    Lit(Box<str>),
    Var {
        slot: Slot,
        path: Box<[Seg]>,
        /// The text between the braces, for error messages.
        source: Box<str>,
    },
}

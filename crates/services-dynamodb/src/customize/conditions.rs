//! Condition and key-condition expressions built from Rust values: boto3's `Key` and
//! `Attr` (`boto3.dynamodb.conditions`).
//!
//! ```
//! use services_dynamodb::conditions::{attr, key, Expressions};
//!
//! let filter = attr("score").gt(10) & !attr("banned").exists();
//! let keys = key("pk").eq("user#1") & key("sk").begins_with("order#");
//!
//! // One `Expressions` per request, so the two clauses never reuse a placeholder.
//! let mut ex = Expressions::new();
//! assert_eq!(ex.key_condition(&keys), "#n0 = :v0 AND begins_with(#n1, :v1)");
//! assert_eq!(ex.condition(&filter), "#n2 > :v2 AND NOT attribute_exists(#n3)");
//! let (names, values) = ex.into_maps();
//! assert_eq!(names["#n2"], "score");
//! assert_eq!(values[":v2"].as_n(), Some("10"));
//! ```
//!
//! Usually you do not call [`Expressions`] yourself:
//! [`QueryCall::key_condition`](crate::operations::QueryCall::key_condition),
//! [`QueryCall::filter`](crate::operations::QueryCall::filter),
//! [`ScanCall::filter`](crate::operations::ScanCall::filter) and the `condition` methods
//! of [`PutItemCall`](crate::operations::PutItemCall::condition),
//! [`DeleteItemCall`](crate::operations::DeleteItemCall::condition) and
//! [`UpdateItemCall`](crate::operations::UpdateItemCall::condition) render into the
//! request, next to whatever expressions and placeholders it already holds. Calling one
//! of them again joins the new clause to the old with `AND`. The generated
//! `expression_attribute_names`/`_values` setters replace the whole map, so call them
//! before these, not after.
//!
//! # What is rendered
//! - Every attribute name is a placeholder (`#n0`, `#n1`, ...), so reserved words and odd
//!   characters never matter. A path `a.b[2].c` becomes `#n0.#n1[2].#n2`; the same name
//!   used twice in one request gets one placeholder.
//! - Every value is a placeholder (`:v0`, ...), one per value.
//! - `&` is `AND`, `|` is `OR`, `!` is `NOT`, with Rust's precedence (`!` before `&`
//!   before `|`, the same as DynamoDB's). Parentheses are written around an `AND` inside
//!   an `OR` (and the reverse) and around anything but a single test under `NOT`, so the
//!   text reads the way the Rust expression groups.
//!
//! [`KeyCondition`] is its own type: a query's `KeyConditionExpression` takes only `=`,
//! `<`, `<=`, `>`, `>=`, `BETWEEN` and `begins_with` on key attributes, joined with `AND`,
//! and the types allow nothing else. A key condition converts into a [`Condition`] where a
//! condition on key attributes is wanted (a conditional put, say).
//!
//! # Values
//! Anything with `Into<AttributeValue>`: strings, integers, floats, `bool`, bytes
//! (`Vec<u8>`, `&[u8]`, [`Blob`](crate::Blob)), `Option` (`None` is `NULL`), lists and
//! maps of attribute values, and [`AttributeValue`] itself. For serde values, convert
//! with [`to_attribute_value`](crate::to_attribute_value) first (that can fail; these
//! conversions cannot).

use std::ops::{BitAnd, BitOr, Not};

use crate::types::AttributeValue;

mod operands;
mod path;
mod render;
#[cfg(test)]
mod tests;

pub use operands::{attr, key, Attr, AttrType, Key, Size};
pub use path::PathError;
pub use render::Expressions;

use path::Segment;

/// A condition (`FilterExpression`, `ConditionExpression`): tests on attributes made with
/// [`Attr`] (or a [`KeyCondition`] converted), combined with `&`, `|` and `!`.
///
/// ```
/// use services_dynamodb::conditions::attr;
///
/// let c = (attr("a").eq(1) | attr("b").lt(2)) & !attr("c").contains("x");
/// # let _ = c;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Condition(Node);

/// A query's key condition (`KeyConditionExpression`): made with [`Key`], joined with `&`
/// only (the expression allows nothing else).
///
/// ```
/// use services_dynamodb::conditions::key;
///
/// let k = key("pk").eq("user#1") & key("sk").between(10, 20);
/// # let _ = k;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    // Non-empty by construction: made by `Key` with one test, grown only by `&`.
    first: KeyPart,
    rest: Vec<KeyPart>,
}

impl KeyCondition {
    fn one(part: KeyPart) -> Self {
        Self {
            first: part,
            rest: Vec::new(),
        }
    }

    fn parts(&self) -> impl Iterator<Item = &KeyPart> {
        std::iter::once(&self.first).chain(&self.rest)
    }
}

/// A condition's tree. Values are converted when the test is made, so nothing can fail
/// when it is rendered.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Compare {
        left: Operand,
        op: Compare,
        right: AttributeValue,
    },
    /// Boxed, so every test is about one attribute value's size.
    Between {
        left: Operand,
        range: Box<(AttributeValue, AttributeValue)>,
    },
    In {
        left: Operand,
        values: Vec<AttributeValue>,
    },
    /// `begins_with`, `contains`, `attribute_type`: a path and a value.
    Function {
        function: Function,
        path: Vec<Segment>,
        value: AttributeValue,
    },
    Exists(Vec<Segment>),
    NotExists(Vec<Segment>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
}

/// What a comparison's left side reads.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Path(Vec<Segment>),
    /// `size(path)`.
    Size(Vec<Segment>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Compare {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "<>",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Function {
    BeginsWith,
    Contains,
    AttributeType,
}

impl Function {
    fn name(self) -> &'static str {
        match self {
            Self::BeginsWith => "begins_with",
            Self::Contains => "contains",
            Self::AttributeType => "attribute_type",
        }
    }
}

/// One test of a key condition: a key attribute (a top-level name, never a path).
#[derive(Debug, Clone, PartialEq)]
struct KeyPart {
    name: String,
    test: KeyTest,
}

#[derive(Debug, Clone, PartialEq)]
enum KeyTest {
    Compare(Compare, AttributeValue),
    Between(Box<(AttributeValue, AttributeValue)>),
    BeginsWith(AttributeValue),
}

impl KeyPart {
    fn into_node(self) -> Node {
        let path = vec![Segment::Name(self.name)];
        match self.test {
            KeyTest::Compare(op, right) => Node::Compare {
                left: Operand::Path(path),
                op,
                right,
            },
            KeyTest::Between(range) => Node::Between {
                left: Operand::Path(path),
                range,
            },
            KeyTest::BeginsWith(value) => Node::Function {
                function: Function::BeginsWith,
                path,
                value,
            },
        }
    }
}

impl From<KeyCondition> for Condition {
    /// The same tests joined with `AND`, usable in a `ConditionExpression`.
    fn from(key: KeyCondition) -> Self {
        let first = key.first.into_node();
        let joined = key.rest.into_iter().fold(first, |acc, part| {
            Node::And(Box::new(acc), Box::new(part.into_node()))
        });
        Condition(joined)
    }
}

impl BitAnd for Condition {
    type Output = Condition;

    /// Both conditions (`AND`).
    fn bitand(self, rhs: Condition) -> Condition {
        Condition(Node::And(Box::new(self.0), Box::new(rhs.0)))
    }
}

impl BitOr for Condition {
    type Output = Condition;

    /// Either condition (`OR`).
    fn bitor(self, rhs: Condition) -> Condition {
        Condition(Node::Or(Box::new(self.0), Box::new(rhs.0)))
    }
}

impl Not for Condition {
    type Output = Condition;

    /// The opposite condition (`NOT`).
    fn not(self) -> Condition {
        Condition(Node::Not(Box::new(self.0)))
    }
}

impl BitAnd for KeyCondition {
    type Output = KeyCondition;

    /// Both key tests (`AND`), e.g. the partition key's `=` and a sort-key range.
    fn bitand(mut self, rhs: KeyCondition) -> KeyCondition {
        self.rest.push(rhs.first);
        self.rest.extend(rhs.rest);
        self
    }
}

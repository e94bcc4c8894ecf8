//! The left-hand sides: [`Key`] for key conditions, [`Attr`] (and its [`Size`]) for
//! conditions. Each test converts its values right away, so a built condition holds only
//! attribute values.

use super::path::{self, PathError, Segment};
use super::{Compare, Condition, Function, KeyCondition, KeyPart, KeyTest, Node, Operand};
use crate::types::AttributeValue;

/// A key attribute, for a query's key condition (boto3's `Key`). The name is taken as it is:
/// key attributes are top-level, so a `.` in it is part of the name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    name: String,
}

/// `Key::new(name)`, shorter.
///
/// ```
/// use services_dynamodb::conditions::key;
/// let k = key("pk").eq("a") & key("sk").gte(3);
/// # let _ = k;
/// ```
pub fn key(name: impl Into<String>) -> Key {
    Key::new(name)
}

impl Key {
    /// The key attribute `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into() }
    }

    fn test(&self, test: KeyTest) -> KeyCondition {
        KeyCondition::one(KeyPart {
            name: self.name.clone(),
            test,
        })
    }

    fn compare(&self, op: Compare, value: impl Into<AttributeValue>) -> KeyCondition {
        self.test(KeyTest::Compare(op, value.into()))
    }

    /// `key = value` (the partition key's test; also allowed on the sort key).
    pub fn eq(&self, value: impl Into<AttributeValue>) -> KeyCondition {
        self.compare(Compare::Eq, value)
    }

    /// `key < value`.
    pub fn lt(&self, value: impl Into<AttributeValue>) -> KeyCondition {
        self.compare(Compare::Lt, value)
    }

    /// `key <= value`.
    pub fn lte(&self, value: impl Into<AttributeValue>) -> KeyCondition {
        self.compare(Compare::Le, value)
    }

    /// `key > value`.
    pub fn gt(&self, value: impl Into<AttributeValue>) -> KeyCondition {
        self.compare(Compare::Gt, value)
    }

    /// `key >= value`.
    pub fn gte(&self, value: impl Into<AttributeValue>) -> KeyCondition {
        self.compare(Compare::Ge, value)
    }

    /// `key BETWEEN low AND high` (both ends included).
    pub fn between(
        &self,
        low: impl Into<AttributeValue>,
        high: impl Into<AttributeValue>,
    ) -> KeyCondition {
        self.test(KeyTest::Between(Box::new((low.into(), high.into()))))
    }

    /// `begins_with(key, prefix)` (string and binary sort keys).
    pub fn begins_with(&self, prefix: impl Into<AttributeValue>) -> KeyCondition {
        self.test(KeyTest::BeginsWith(prefix.into()))
    }
}

/// The comparisons an operand (`path`, `size(path)`) offers, written once for both.
macro_rules! comparisons {
    ($operand:literal) => {
        #[doc = concat!("`", $operand, " = value`.")]
        pub fn eq(&self, value: impl Into<AttributeValue>) -> Condition {
            compare(self.operand(), Compare::Eq, value)
        }

        #[doc = concat!("`", $operand, " <> value`.")]
        pub fn ne(&self, value: impl Into<AttributeValue>) -> Condition {
            compare(self.operand(), Compare::Ne, value)
        }

        #[doc = concat!("`", $operand, " < value`.")]
        pub fn lt(&self, value: impl Into<AttributeValue>) -> Condition {
            compare(self.operand(), Compare::Lt, value)
        }

        #[doc = concat!("`", $operand, " <= value`.")]
        pub fn lte(&self, value: impl Into<AttributeValue>) -> Condition {
            compare(self.operand(), Compare::Le, value)
        }

        #[doc = concat!("`", $operand, " > value`.")]
        pub fn gt(&self, value: impl Into<AttributeValue>) -> Condition {
            compare(self.operand(), Compare::Gt, value)
        }

        #[doc = concat!("`", $operand, " >= value`.")]
        pub fn gte(&self, value: impl Into<AttributeValue>) -> Condition {
            compare(self.operand(), Compare::Ge, value)
        }

        #[doc = concat!("`", $operand, " BETWEEN low AND high` (both ends included).")]
        pub fn between(
            &self,
            low: impl Into<AttributeValue>,
            high: impl Into<AttributeValue>,
        ) -> Condition {
            between(self.operand(), low, high)
        }

        #[doc = concat!("`", $operand, " IN (v1, v2, ...)`. DynamoDB takes 1 to 100 values;")]
        /// other counts are refused by the service (a validation error), not here.
        pub fn is_in<V: Into<AttributeValue>>(
            &self,
            values: impl IntoIterator<Item = V>,
        ) -> Condition {
            is_in(self.operand(), values)
        }
    };
}

/// An attribute or document path, for conditions (boto3's `Attr`).
///
/// [`Attr::new`] splits a path: `"a.b[2].c"` is the attribute `a`, its map key `b`, that
/// list's element 2, its key `c`. Use [`Attr::name`] for a top-level attribute whose name
/// holds `.` or `[`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attr {
    pub(super) segments: Vec<Segment>,
}

/// `Attr::new(path)`, shorter.
///
/// ```
/// use services_dynamodb::conditions::attr;
/// let c = attr("address.city").eq("Oslo") & attr("tags[0]").exists();
/// # let _ = c;
/// ```
pub fn attr(path: impl AsRef<str>) -> Attr {
    Attr::new(path)
}

impl Attr {
    /// The attribute or document path `path` (`name`, `a.b`, `list[3].c`).
    ///
    /// Text that is not a path (an empty name as in `a..b`, an index that is not digits as
    /// in `a[x]`) is taken whole as one top-level attribute name, which is what DynamoDB
    /// would store under that name; use [`Attr::try_new`] to have it refused instead.
    pub fn new(path: impl AsRef<str>) -> Self {
        let path = path.as_ref();
        Self::try_new(path).unwrap_or_else(|_| Self::name(path))
    }

    /// The document path `path`, or why it is not one.
    ///
    /// # Errors
    /// An empty name (`""`, `a..b`, `.a`), an unbalanced bracket, or an index that is not
    /// decimal digits.
    pub fn try_new(path: impl AsRef<str>) -> Result<Self, PathError> {
        path::parse(path.as_ref()).map(|segments| Self { segments })
    }

    /// The top-level attribute `name`, exactly as written (no path splitting).
    pub fn name(name: impl Into<String>) -> Self {
        Self {
            segments: vec![Segment::Name(name.into())],
        }
    }

    fn operand(&self) -> Operand {
        Operand::Path(self.segments.clone())
    }

    fn function(&self, function: Function, value: AttributeValue) -> Condition {
        Condition(Node::Function {
            function,
            path: self.segments.clone(),
            value,
        })
    }

    comparisons!("path");

    /// `begins_with(path, prefix)`.
    pub fn begins_with(&self, prefix: impl Into<AttributeValue>) -> Condition {
        self.function(Function::BeginsWith, prefix.into())
    }

    /// `contains(path, value)`: a substring of a string, an element of a set or list.
    pub fn contains(&self, value: impl Into<AttributeValue>) -> Condition {
        self.function(Function::Contains, value.into())
    }

    /// `attribute_type(path, type)`.
    pub fn attribute_type(&self, kind: AttrType) -> Condition {
        self.function(Function::AttributeType, AttributeValue::s(kind.as_str()))
    }

    /// `attribute_exists(path)`.
    pub fn exists(&self) -> Condition {
        Condition(Node::Exists(self.segments.clone()))
    }

    /// `attribute_not_exists(path)`: with the partition key's name, "no such item yet".
    pub fn not_exists(&self) -> Condition {
        Condition(Node::NotExists(self.segments.clone()))
    }

    /// `size(path)`, to compare: the length of a string, binary, set, list or map.
    ///
    /// ```
    /// use services_dynamodb::conditions::attr;
    /// let c = attr("tags").size().gte(3);
    /// # let _ = c;
    /// ```
    pub fn size(&self) -> Size {
        Size {
            segments: self.segments.clone(),
        }
    }
}

/// `size(path)` of an [`Attr`], compared with a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Size {
    segments: Vec<Segment>,
}

impl Size {
    fn operand(&self) -> Operand {
        Operand::Size(self.segments.clone())
    }

    comparisons!("size(path)");
}

fn compare(left: Operand, op: Compare, value: impl Into<AttributeValue>) -> Condition {
    Condition(Node::Compare {
        left,
        op,
        right: value.into(),
    })
}

fn between(
    left: Operand,
    low: impl Into<AttributeValue>,
    high: impl Into<AttributeValue>,
) -> Condition {
    Condition(Node::Between {
        left,
        range: Box::new((low.into(), high.into())),
    })
}

fn is_in<V: Into<AttributeValue>>(left: Operand, values: impl IntoIterator<Item = V>) -> Condition {
    Condition(Node::In {
        left,
        values: values.into_iter().map(Into::into).collect(),
    })
}

/// A DynamoDB data type, for [`Attr::attribute_type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttrType {
    /// String (`S`).
    S,
    /// String set (`SS`).
    Ss,
    /// Number (`N`).
    N,
    /// Number set (`NS`).
    Ns,
    /// Binary (`B`).
    B,
    /// Binary set (`BS`).
    Bs,
    /// Boolean (`BOOL`).
    Bool,
    /// Null (`NULL`).
    Null,
    /// List (`L`).
    L,
    /// Map (`M`).
    M,
}

impl AttrType {
    /// The type's name as DynamoDB writes it (`"S"`, `"SS"`, `"BOOL"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S => "S",
            Self::Ss => "SS",
            Self::N => "N",
            Self::Ns => "NS",
            Self::B => "B",
            Self::Bs => "BS",
            Self::Bool => "BOOL",
            Self::Null => "NULL",
            Self::L => "L",
            Self::M => "M",
        }
    }
}

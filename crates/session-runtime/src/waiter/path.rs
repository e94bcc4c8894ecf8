//! The JMESPath subset waiter acceptors use, evaluated over an output serialized to JSON.
//!
//! Supported: identifiers (bare and `"quoted"`), sub-expressions `a.b`, indexes `a[0]`
//! (negative from the end), projections `a[*]`, `a[]` (flatten) and `*` (object values),
//! filters `a[?cond]`, the current node `@`, pipes `a | b`, comparisons `== != < <= > >=`,
//! `&&`, `||`, `!`, parentheses, literals `` `json` `` and `'raw string'`, multi-select
//! lists `a.[b, c]`, and the `length` and `keys` functions. That covers every path in the
//! vendored `waiters-2.json` files and the operations' `operationContextParams` (tests parse
//! them all); anything else is a parse error naming what is unsupported, never a panic.
//!
//! The parser is a Pratt parser with the binding powers of the JMESPath grammar, because
//! projections make precedence matter: in `A[].B == 'x'` the comparison applies to the
//! projected list, while in `A[?B == 'x']` it is the filter's condition.

use serde_json::Value;

/// A parsed path of the JMESPath subset described in this module's docs (what waiter
/// acceptors and paginators' output tokens use).
///
/// ```
/// use session_runtime::JmesPath;
///
/// let path = JmesPath::parse("NextMarker || Contents[-1].Key").unwrap();
/// let page = serde_json::json!({"Contents": [{"Key": "a"}, {"Key": "b"}]});
/// assert_eq!(path.eval(&page), serde_json::json!("b"));
/// assert!(JmesPath::parse("sort_by(@, &x)").is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Path(Node);

impl Path {
    /// Parses `text`.
    ///
    /// # Errors
    /// Syntax errors and what the subset does not support, named.
    pub fn parse(text: &str) -> Result<Self, String> {
        let tokens = lex(text)?;
        let mut p = Parser { tokens, pos: 0 };
        let node = p.expression(0)?;
        match p.peek() {
            Token::Eof => Ok(Self(node)),
            t => Err(format!("unexpected {} in {text:?}", t.describe())),
        }
    }

    /// The path's value in `root` (`null` where the path leads nowhere).
    pub fn eval(&self, root: &Value) -> Value {
        eval(&self.0, root)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// `@`, and the empty right side of a projection.
    Current,
    Field(String),
    Index(i64),
    Literal(Value),
    /// Evaluates the right side on the left side's value.
    Sub(Box<Node>, Box<Node>),
    /// Left side must give a list; the right side runs on each element, nulls dropped.
    Project(Box<Node>, Box<Node>),
    /// The left side's list with nested lists merged one level.
    Flatten(Box<Node>),
    /// The left side's object values as a list.
    Values(Box<Node>),
    /// (list, condition, right side): a projection over the elements the condition keeps.
    Filter(Box<Node>, Box<Node>, Box<Node>),
    Compare(Cmp, Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Length(Box<Node>),
    /// An object's keys, as a list.
    Keys(Box<Node>),
    /// `[a, b]`: each expression's value, as a list (null on null).
    MultiList(Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Number(i64),
    Literal(Value),
    Dot,
    Star,
    At,
    LBracket,
    RBracket,
    /// `[?`
    Filter,
    /// `[]`
    Flatten,
    LParen,
    RParen,
    Comma,
    Pipe,
    Or,
    And,
    Not,
    Cmp(Cmp),
    Eof,
}

impl Token {
    /// Left binding power, as in the JMESPath reference grammar.
    fn lbp(&self) -> u8 {
        match self {
            Self::Pipe => 1,
            Self::Or => 2,
            Self::And => 3,
            Self::Cmp(_) => 5,
            Self::Flatten => 9,
            Self::Star => 20,
            Self::Filter => 21,
            Self::Dot => 40,
            Self::Not => 45,
            Self::LBracket => 55,
            Self::LParen => 60,
            _ => 0,
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Ident(s) => format!("identifier {s:?}"),
            Self::Number(n) => format!("number {n}"),
            Self::Literal(v) => format!("literal {v}"),
            Self::Eof => "end of expression".to_owned(),
            other => format!("{other:?}"),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (token, len) = match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '.' => (Token::Dot, 1),
            '*' => (Token::Star, 1),
            '@' => (Token::At, 1),
            ']' => (Token::RBracket, 1),
            '(' => (Token::LParen, 1),
            ')' => (Token::RParen, 1),
            ',' => (Token::Comma, 1),
            '[' => match next {
                Some('?') => (Token::Filter, 2),
                Some(']') => (Token::Flatten, 2),
                _ => (Token::LBracket, 1),
            },
            '|' if next == Some('|') => (Token::Or, 2),
            '|' => (Token::Pipe, 1),
            '&' if next == Some('&') => (Token::And, 2),
            '!' if next == Some('=') => (Token::Cmp(Cmp::Ne), 2),
            '!' => (Token::Not, 1),
            '=' if next == Some('=') => (Token::Cmp(Cmp::Eq), 2),
            '<' if next == Some('=') => (Token::Cmp(Cmp::Le), 2),
            '<' => (Token::Cmp(Cmp::Lt), 1),
            '>' if next == Some('=') => (Token::Cmp(Cmp::Ge), 2),
            '>' => (Token::Cmp(Cmp::Gt), 1),
            '`' => {
                let (body, len) = delimited(&chars[i..], '`')?;
                let value = serde_json::from_str(body.trim())
                    .map_err(|e| format!("bad JSON literal `{body}`: {e}"))?;
                (Token::Literal(value), len)
            }
            '\'' => {
                let (body, len) = delimited(&chars[i..], '\'')?;
                (Token::Literal(Value::String(body)), len)
            }
            '"' => {
                let (body, len) = delimited(&chars[i..], '"')?;
                // A quoted identifier is a JSON string.
                let name: String = serde_json::from_str(&format!("\"{body}\""))
                    .map_err(|e| format!("bad quoted identifier \"{body}\": {e}"))?;
                (Token::Ident(name), len)
            }
            c if c == '-' || c.is_ascii_digit() => {
                let end = (i + 1..chars.len())
                    .find(|&j| !chars[j].is_ascii_digit())
                    .unwrap_or(chars.len());
                let digits: String = chars[i..end].iter().collect();
                let n = digits
                    .parse()
                    .map_err(|_| format!("bad number {digits:?}"))?;
                (Token::Number(n), end - i)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let end = (i..chars.len())
                    .find(|&j| !(chars[j].is_ascii_alphanumeric() || chars[j] == '_'))
                    .unwrap_or(chars.len());
                (Token::Ident(chars[i..end].iter().collect()), end - i)
            }
            other => return Err(format!("unsupported character {other:?} in {text:?}")),
        };
        out.push(token);
        i += len;
    }
    out.push(Token::Eof);
    Ok(out)
}

/// The text between `quote` at `chars[0]` and the next unescaped `quote`, with `\quote`
/// unescaped (other escapes kept for the JSON parsers), and the length consumed.
fn delimited(chars: &[char], quote: char) -> Result<(String, usize), String> {
    let mut body = String::new();
    let mut i = 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&quote) => {
                body.push(quote);
                i += 2;
            }
            '\\' => {
                body.push('\\');
                if let Some(&c) = chars.get(i + 1) {
                    body.push(c);
                }
                i += 2;
            }
            c if c == quote => return Ok((body, i + 1)),
            c => {
                body.push(c);
                i += 1;
            }
        }
    }
    Err(format!("unterminated {quote}...{quote}"))
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        self.tokens.get(self.pos).unwrap_or(&Token::Eof)
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: &Token) -> Result<(), String> {
        let got = self.next();
        if &got == want {
            Ok(())
        } else {
            Err(format!(
                "expected {}, found {}",
                want.describe(),
                got.describe()
            ))
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Node, String> {
        let token = self.next();
        let mut left = self.nud(token)?;
        while rbp < self.peek().lbp() {
            let token = self.next();
            left = self.led(token, left)?;
        }
        Ok(left)
    }

    /// A token at the start of an expression.
    fn nud(&mut self, token: Token) -> Result<Node, String> {
        Ok(match token {
            Token::Ident(name) if *self.peek() == Token::LParen => {
                self.next();
                let mut args = Vec::new();
                if *self.peek() != Token::RParen {
                    loop {
                        args.push(self.expression(0)?);
                        if *self.peek() == Token::Comma {
                            self.next();
                        } else {
                            break;
                        }
                    }
                }
                self.expect(&Token::RParen)?;
                match (name.as_str(), args.len()) {
                    ("length", 1) => Node::Length(Box::new(args.remove(0))),
                    ("keys", 1) => Node::Keys(Box::new(args.remove(0))),
                    _ => {
                        return Err(format!(
                            "unsupported function {name}() with {} argument(s)",
                            args.len()
                        ))
                    }
                }
            }
            Token::Ident(name) => Node::Field(name),
            Token::At => Node::Current,
            Token::Literal(v) => Node::Literal(v),
            Token::Not => Node::Not(Box::new(self.expression(Token::Not.lbp())?)),
            Token::LParen => {
                let inner = self.expression(0)?;
                self.expect(&Token::RParen)?;
                inner
            }
            Token::Star => {
                let rhs = self.projection_rhs(Token::Star.lbp())?;
                Node::Project(
                    Box::new(Node::Values(Box::new(Node::Current))),
                    Box::new(rhs),
                )
            }
            Token::LBracket | Token::Filter | Token::Flatten => self.led(token, Node::Current)?,
            other => return Err(format!("unexpected {}", other.describe())),
        })
    }

    /// A token after a complete left side.
    fn led(&mut self, token: Token, left: Node) -> Result<Node, String> {
        let left = Box::new(left);
        Ok(match token {
            Token::Dot => {
                if *self.peek() == Token::Star {
                    self.next();
                    let rhs = self.projection_rhs(Token::Star.lbp())?;
                    Node::Project(Box::new(Node::Values(left)), Box::new(rhs))
                } else {
                    Node::Sub(left, Box::new(self.dot_rhs(Token::Dot.lbp())?))
                }
            }
            Token::LBracket => match self.next() {
                Token::Number(n) => {
                    self.expect(&Token::RBracket)?;
                    Node::Sub(left, Box::new(Node::Index(n)))
                }
                Token::Star => {
                    self.expect(&Token::RBracket)?;
                    let rhs = self.projection_rhs(Token::Star.lbp())?;
                    Node::Project(left, Box::new(rhs))
                }
                other => {
                    return Err(format!(
                        "unsupported bracket expression starting with {} (slices and multi-selects are not supported)",
                        other.describe()
                    ))
                }
            },
            Token::Flatten => {
                let rhs = self.projection_rhs(Token::Flatten.lbp())?;
                Node::Project(Box::new(Node::Flatten(left)), Box::new(rhs))
            }
            Token::Filter => {
                let cond = self.expression(0)?;
                self.expect(&Token::RBracket)?;
                let rhs = self.projection_rhs(Token::Filter.lbp())?;
                Node::Filter(left, Box::new(cond), Box::new(rhs))
            }
            Token::Cmp(op) => Node::Compare(op, left, Box::new(self.expression(5)?)),
            Token::And => Node::And(left, Box::new(self.expression(3)?)),
            Token::Or => Node::Or(left, Box::new(self.expression(2)?)),
            Token::Pipe => Node::Sub(left, Box::new(self.expression(1)?)),
            other => return Err(format!("unexpected {}", other.describe())),
        })
    }

    /// What follows a projection: more of the path applied to each element, up to the first
    /// token that binds less tightly than a projection (a comparison, `&&`, `|`, ...).
    fn projection_rhs(&mut self, rbp: u8) -> Result<Node, String> {
        match self.peek() {
            t if t.lbp() < 10 => Ok(Node::Current),
            Token::LBracket | Token::Filter | Token::Flatten => self.expression(rbp),
            Token::Dot => {
                self.next();
                self.dot_rhs(rbp)
            }
            t => Err(format!("unexpected {} after a projection", t.describe())),
        }
    }

    /// What may follow a `.`: an identifier (or function call), `*`, or a multi-select
    /// list.
    fn dot_rhs(&mut self, rbp: u8) -> Result<Node, String> {
        match self.peek() {
            Token::Ident(_) | Token::Star | Token::At => self.expression(rbp),
            Token::LBracket => {
                self.next();
                self.multi_list()
            }
            t => Err(format!("unexpected {} after '.'", t.describe())),
        }
    }

    /// The expressions of a multi-select list, after its `[`.
    fn multi_list(&mut self) -> Result<Node, String> {
        let mut items = vec![self.expression(0)?];
        while *self.peek() == Token::Comma {
            self.next();
            items.push(self.expression(0)?);
        }
        self.expect(&Token::RBracket)?;
        Ok(Node::MultiList(items))
    }
}

fn eval(node: &Node, v: &Value) -> Value {
    match node {
        Node::Current => v.clone(),
        Node::Field(name) => v.get(name).cloned().unwrap_or(Value::Null),
        Node::Index(i) => match v {
            Value::Array(items) => {
                let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                let at = if *i < 0 { len + i } else { *i };
                usize::try_from(at)
                    .ok()
                    .and_then(|at| items.get(at))
                    .cloned()
                    .unwrap_or(Value::Null)
            }
            _ => Value::Null,
        },
        Node::Literal(lit) => lit.clone(),
        Node::Sub(l, r) => match eval(l, v) {
            Value::Null => Value::Null,
            left => eval(r, &left),
        },
        Node::Project(l, r) => match eval(l, v) {
            Value::Array(items) => project(items.iter(), r),
            _ => Value::Null,
        },
        Node::Flatten(l) => match eval(l, v) {
            Value::Array(items) => {
                let mut flat = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::Array(inner) => flat.extend(inner),
                        other => flat.push(other),
                    }
                }
                Value::Array(flat)
            }
            _ => Value::Null,
        },
        Node::Values(l) => match eval(l, v) {
            Value::Object(map) => Value::Array(map.into_iter().map(|(_, v)| v).collect()),
            _ => Value::Null,
        },
        Node::Filter(l, cond, r) => match eval(l, v) {
            Value::Array(items) => project(items.iter().filter(|i| truthy(&eval(cond, i))), r),
            _ => Value::Null,
        },
        Node::Compare(op, l, r) => compare(*op, &eval(l, v), &eval(r, v)),
        Node::And(l, r) => {
            let left = eval(l, v);
            if truthy(&left) {
                eval(r, v)
            } else {
                left
            }
        }
        Node::Or(l, r) => {
            let left = eval(l, v);
            if truthy(&left) {
                left
            } else {
                eval(r, v)
            }
        }
        Node::Not(inner) => Value::Bool(!truthy(&eval(inner, v))),
        Node::Keys(inner) => match eval(inner, v) {
            Value::Object(o) => Value::Array(o.keys().cloned().map(Value::String).collect()),
            _ => Value::Null,
        },
        Node::MultiList(items) => match v {
            Value::Null => Value::Null,
            v => Value::Array(items.iter().map(|n| eval(n, v)).collect()),
        },
        Node::Length(inner) => match eval(inner, v) {
            Value::String(s) => Value::from(s.chars().count()),
            Value::Array(a) => Value::from(a.len()),
            Value::Object(o) => Value::from(o.len()),
            // JMESPath makes this an invalid-type error; for an acceptor "no match" is
            // the same outcome, so null keeps evaluation total.
            _ => Value::Null,
        },
    }
}

fn project<'a>(items: impl Iterator<Item = &'a Value>, rhs: &Node) -> Value {
    Value::Array(
        items
            .map(|item| eval(rhs, item))
            .filter(|x| !x.is_null())
            .collect(),
    )
}

/// JMESPath truthiness: false, null, and empty strings, lists and objects are false.
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(true) | Value::Number(_) => true,
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`, which `Value`'s own
/// equality denies).
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, a)| y.get(k).is_some_and(|b| json_eq(a, b)))
        }
        _ => a == b,
    }
}

fn compare(op: Cmp, a: &Value, b: &Value) -> Value {
    match op {
        Cmp::Eq => Value::Bool(json_eq(a, b)),
        Cmp::Ne => Value::Bool(!json_eq(a, b)),
        // Ordering is defined on numbers only; anything else is null.
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Value::Bool(match op {
                Cmp::Lt => x < y,
                Cmp::Le => x <= y,
                Cmp::Gt => x > y,
                _ => x >= y,
            }),
            _ => Value::Null,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    fn at(path: &str, v: &Value) -> Value {
        Path::parse(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .eval(v)
    }

    #[test]
    fn fields_indexes_and_sub_expressions() {
        let v = json!({"Table": {"TableStatus": "ACTIVE", "Keys": ["a", "b", "c"]},
                        "odd key": 1});
        assert_eq!(at("Table.TableStatus", &v), json!("ACTIVE"));
        assert_eq!(at("Table.Missing", &v), Value::Null);
        assert_eq!(at("Missing.TableStatus", &v), Value::Null);
        assert_eq!(at("Table.Keys[0]", &v), json!("a"));
        assert_eq!(at("Table.Keys[-1]", &v), json!("c"));
        assert_eq!(at("Table.Keys[7]", &v), Value::Null);
        assert_eq!(at("\"odd key\"", &v), json!(1));
        assert_eq!(at("@.Table.TableStatus", &v), json!("ACTIVE"));
        assert_eq!(at("Table | TableStatus", &v), json!("ACTIVE"));
    }

    #[test]
    fn projections_flatten_and_filters() {
        let v = json!({"Dests": [
            {"DestinationStatus": "ACTIVE", "Name": "a"},
            {"DestinationStatus": "DISABLED", "Name": "b"},
            {"Name": "c"}
        ], "Nested": [[1, 2], [3], 4], "Obj": {"x": {"n": 1}, "y": {"n": 2}}});
        assert_eq!(
            at("Dests[].DestinationStatus", &v),
            json!(["ACTIVE", "DISABLED"])
        );
        assert_eq!(at("Dests[*].Name", &v), json!(["a", "b", "c"]));
        assert_eq!(at("Nested[]", &v), json!([1, 2, 3, 4]));
        assert_eq!(at("Obj.*.n", &v), json!([1, 2]));
        assert_eq!(
            at("Dests[?DestinationStatus == 'DISABLED'].Name", &v),
            json!(["b"])
        );
        // The comparison applies to the projected list, not to each element.
        assert_eq!(
            at("Dests[].Name == `[\"a\", \"b\", \"c\"]`", &v),
            json!(true)
        );
        assert_eq!(at("Missing[].Name", &v), Value::Null);
        assert_eq!(at("Dests[].Name[0]", &v), json!([]));
    }

    #[test]
    fn functions_comparisons_and_logic() {
        let v = json!({"L": [{"S": "DISABLED"}, {"S": "ENABLE_FAILED"}], "E": [], "N": 3});
        let all_failed =
            "length(L) > `0` && length(L[?S == 'DISABLED' || S == 'ENABLE_FAILED']) == length(L)";
        assert_eq!(at(all_failed, &v), json!(true));
        let none = json!({"L": []});
        assert_eq!(at(all_failed, &none), json!(false));
        let one_active = json!({"L": [{"S": "ACTIVE"}, {"S": "DISABLED"}]});
        assert_eq!(at(all_failed, &one_active), json!(false));
        assert_eq!(at("N >= `3`", &v), json!(true));
        assert_eq!(at("N < `3`", &v), json!(false));
        assert_eq!(at("N < 'x'", &v), Value::Null);
        assert_eq!(at("N == `3.0`", &v), json!(true));
        assert_eq!(at("!E", &v), json!(true));
        assert_eq!(at("E || N", &v), json!(3));
        assert_eq!(at("(N == `3`) && 'yes'", &v), json!("yes"));
        assert_eq!(at("length('héllo')", &v), json!(5));
        assert_eq!(at("length(N)", &v), Value::Null);
    }

    #[test]
    fn operation_context_param_paths() {
        let input = serde_json::json!({
            "RequestItems": {"t1": {}, "arn:aws:dynamodb:us-east-1:1:table/t2": {}},
            "TransactItems": [
                {"Get": {"TableName": "a"}},
                {"Put": {"TableName": "b"}},
                {"Update": {"TableName": "c"}},
            ],
            "TableCreationParameters": {"TableName": "new"},
        });
        let at = |p: &str| Path::parse(p).unwrap().eval(&input);
        assert_eq!(
            at("keys(RequestItems)"),
            serde_json::json!(["t1", "arn:aws:dynamodb:us-east-1:1:table/t2"])
        );
        assert_eq!(
            at("TransactItems[*].Get.TableName"),
            serde_json::json!(["a"])
        );
        assert_eq!(
            at("TransactItems[*].[ConditionCheck.TableName, Put.TableName, Delete.TableName, Update.TableName][]"),
            serde_json::json!(["b", "c"])
        );
        assert_eq!(
            at("TableCreationParameters.TableName"),
            serde_json::json!("new")
        );
        assert_eq!(at("keys(Missing)"), Value::Null);
    }

    #[test]
    fn unsupported_syntax_is_an_error_not_a_panic() {
        for bad in [
            "",
            "a[1:2]",
            "a.{x: b}",
            "sort(a)",
            "a[",
            "`{bad json`",
            "'open",
            "a ~ b",
            "a..b",
            "length(a, b)",
            "a.[b, c",
            "keys()",
        ] {
            assert!(Path::parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}

//! Rendering: expression text with `#n`/`:v` placeholders, and the maps they stand for.

use std::collections::{HashMap, HashSet};

use super::path::Segment;
use super::{Attr, Condition, KeyCondition, Node, Operand};
use crate::types::AttributeValue;

/// The placeholders of one request: renders conditions, key conditions and paths into
/// expression text, collecting `ExpressionAttributeNames` and `ExpressionAttributeValues`.
///
/// All clauses of one request must share one `Expressions` (or start from the request's
/// maps with [`Expressions::with_maps`]): a fresh placeholder is never one already in the
/// maps or [reserved](Expressions::reserve), so clauses rendered together cannot collide.
///
/// ```
/// use services_dynamodb::conditions::{attr, Expressions};
///
/// let mut ex = Expressions::new();
/// let projection = ex.projection(&[attr("name"), attr("address.city")]);
/// let filter = ex.condition(&attr("address.city").eq("Oslo"));
/// assert_eq!(projection, "#n0, #n1.#n2");
/// assert_eq!(filter, "#n1.#n2 = :v0"); // same names, same placeholders
/// ```
#[derive(Debug, Clone, Default)]
pub struct Expressions {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    /// Attribute name → its placeholder, to reuse one placeholder per name.
    by_name: HashMap<String, String>,
    /// Placeholders used by text rendered elsewhere (hand-written expressions).
    reserved: HashSet<String>,
    next_name: usize,
    next_value: usize,
}

impl Expressions {
    /// No placeholders yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Continues after a request's existing maps: their placeholders stay as they are and
    /// are never handed out again; a name already mapped keeps its placeholder.
    pub fn with_maps(
        names: HashMap<String, String>,
        values: HashMap<String, AttributeValue>,
    ) -> Self {
        let mut by_name: HashMap<String, String> = HashMap::new();
        for (placeholder, name) in &names {
            // Several placeholders may name one attribute; pick the smallest so the
            // choice does not depend on the map's order.
            let slot = by_name
                .entry(name.clone())
                .or_insert_with(|| placeholder.clone());
            if placeholder < slot {
                slot.clone_from(placeholder);
            }
        }
        Self {
            names,
            values,
            by_name,
            ..Self::default()
        }
    }

    /// Marks every placeholder that appears in `expression` (`#word`, `:word`) as taken, for
    /// expressions written by hand whose maps are not (yet) in these maps.
    pub fn reserve(&mut self, expression: &str) -> &mut Self {
        self.reserved
            .extend(placeholders_in(expression).map(str::to_owned));
        self
    }

    /// The text of `condition`.
    pub fn condition(&mut self, condition: &Condition) -> String {
        let mut out = String::new();
        self.node(&condition.0, &mut out);
        out
    }

    /// The text of `condition`.
    pub fn key_condition(&mut self, condition: &KeyCondition) -> String {
        let mut out = String::new();
        for (i, part) in condition.parts().enumerate() {
            if i > 0 {
                out.push_str(" AND ");
            }
            // A key test renders as the same condition would.
            self.node(&part.clone().into_node(), &mut out);
        }
        out
    }

    /// A path with placeholders (`#n0.#n1[2]`), for expressions written around it.
    pub fn path(&mut self, attr: &Attr) -> String {
        let mut out = String::new();
        self.segments(&attr.segments, &mut out);
        out
    }

    /// A `ProjectionExpression`: the paths, comma-separated.
    pub fn projection<'a>(&mut self, attrs: impl IntoIterator<Item = &'a Attr>) -> String {
        let mut out = String::new();
        for (i, attr) in attrs.into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.segments(&attr.segments, &mut out);
        }
        out
    }

    /// `ExpressionAttributeNames` so far.
    pub fn names(&self) -> &HashMap<String, String> {
        &self.names
    }

    /// `ExpressionAttributeValues` so far.
    pub fn values(&self) -> &HashMap<String, AttributeValue> {
        &self.values
    }

    /// The maps, `(ExpressionAttributeNames, ExpressionAttributeValues)`. Either may be
    /// empty; DynamoDB refuses an empty map, so leave an empty one unset.
    pub fn into_maps(self) -> (HashMap<String, String>, HashMap<String, AttributeValue>) {
        (self.names, self.values)
    }

    fn name(&mut self, name: &str) -> String {
        if let Some(placeholder) = self.by_name.get(name) {
            return placeholder.clone();
        }
        let placeholder = loop {
            let candidate = format!("#n{}", self.next_name);
            self.next_name += 1;
            if !self.names.contains_key(&candidate) && !self.reserved.contains(&candidate) {
                break candidate;
            }
        };
        self.names.insert(placeholder.clone(), name.to_owned());
        self.by_name.insert(name.to_owned(), placeholder.clone());
        placeholder
    }

    fn value(&mut self, value: &AttributeValue, out: &mut String) {
        let placeholder = loop {
            let candidate = format!(":v{}", self.next_value);
            self.next_value += 1;
            if !self.values.contains_key(&candidate) && !self.reserved.contains(&candidate) {
                break candidate;
            }
        };
        out.push_str(&placeholder);
        self.values.insert(placeholder, value.clone());
    }

    fn segments(&mut self, segments: &[Segment], out: &mut String) {
        for (i, segment) in segments.iter().enumerate() {
            match segment {
                Segment::Name(name) => {
                    if i > 0 {
                        out.push('.');
                    }
                    let placeholder = self.name(name);
                    out.push_str(&placeholder);
                }
                Segment::Index(index) => {
                    out.push('[');
                    out.push_str(&index.to_string());
                    out.push(']');
                }
            }
        }
    }

    fn operand(&mut self, operand: &Operand, out: &mut String) {
        match operand {
            Operand::Path(path) => self.segments(path, out),
            Operand::Size(path) => {
                out.push_str("size(");
                self.segments(path, out);
                out.push(')');
            }
        }
    }

    fn node(&mut self, node: &Node, out: &mut String) {
        match node {
            Node::Compare { left, op, right } => {
                self.operand(left, out);
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                self.value(right, out);
            }
            Node::Between { left, range } => {
                let (low, high) = &**range;
                self.operand(left, out);
                out.push_str(" BETWEEN ");
                self.value(low, out);
                out.push_str(" AND ");
                self.value(high, out);
            }
            Node::In { left, values } => {
                self.operand(left, out);
                out.push_str(" IN (");
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.value(value, out);
                }
                out.push(')');
            }
            Node::Function {
                function,
                path,
                value,
            } => {
                out.push_str(function.name());
                out.push('(');
                self.segments(path, out);
                out.push_str(", ");
                self.value(value, out);
                out.push(')');
            }
            Node::Exists(path) => self.call("attribute_exists", path, out),
            Node::NotExists(path) => self.call("attribute_not_exists", path, out),
            Node::And(a, b) => self.join(a, " AND ", b, Group::And, out),
            Node::Or(a, b) => self.join(a, " OR ", b, Group::Or, out),
            Node::Not(inner) => {
                out.push_str("NOT ");
                self.grouped(inner, Group::Not, out);
            }
        }
    }

    fn call(&mut self, function: &str, path: &[Segment], out: &mut String) {
        out.push_str(function);
        out.push('(');
        self.segments(path, out);
        out.push(')');
    }

    fn join(&mut self, a: &Node, op: &str, b: &Node, group: Group, out: &mut String) {
        self.grouped(a, group, out);
        out.push_str(op);
        self.grouped(b, group, out);
    }

    /// `node` as an operand of `parent`, in parentheses unless it needs none: a single
    /// test, a `NOT`, or the same associative operator (`a AND b AND c`). An `AND` under an
    /// `OR` would be right without them too, but is bracketed so the text reads as grouped.
    fn grouped(&mut self, node: &Node, parent: Group, out: &mut String) {
        let bare = match node {
            Node::And(..) => parent == Group::And,
            Node::Or(..) => parent == Group::Or,
            Node::Not(_) => parent != Group::Not,
            _ => true,
        };
        if bare {
            self.node(node, out);
        } else {
            out.push('(');
            self.node(node, out);
            out.push(')');
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    And,
    Or,
    Not,
}

/// The placeholders (`#word`, `:word`) in an expression's text.
fn placeholders_in(expression: &str) -> impl Iterator<Item = &str> {
    let bytes = expression.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let start = i;
            i += 1;
            if bytes[start] == b'#' || bytes[start] == b':' {
                while i < bytes.len() && word(bytes[i]) {
                    i += 1;
                }
                if i > start + 1 {
                    return expression.get(start..i);
                }
            }
        }
        None
    })
}

//! The Rust names of a model's shapes and which members are boxed to break cycles.

use super::*;

/// The Rust names of a model's shapes, and which members must be boxed.
#[derive(Debug, Clone)]
pub struct RustTypes {
    /// Rust type names of generated shapes.
    pub(super) type_names: BTreeMap<String, String>,
    /// (structure, member) pairs that need a `Box` to break a cycle.
    pub(super) boxed: BTreeSet<(String, String)>,
}

impl RustTypes {
    /// Names every structure and enum of `model` and finds the members that need a box.
    pub fn new(model: &Model) -> Self {
        let mut type_names = BTreeMap::new();
        let mut taken = BTreeSet::new();
        for (name, shape) in &model.shapes {
            if is_named_type(shape) {
                let mut rust = pascal(name);
                while !taken.insert(rust.clone()) {
                    rust.push('_');
                }
                type_names.insert(name.clone(), rust);
            }
        }
        let mut boxed = BTreeSet::new();
        for (name, shape) in &model.shapes {
            if shape.kind != "structure" {
                continue;
            }
            for (member_name, member) in &shape.members {
                if reaches(model, &member.shape, name, &mut BTreeSet::new()) {
                    boxed.insert((name.clone(), member_name.clone()));
                }
            }
        }
        Self { type_names, boxed }
    }

    /// The Rust type name of a structure, union or enum shape.
    ///
    /// # Errors
    /// When the shape is not one of those.
    pub fn name(&self, shape: &str) -> Result<String, String> {
        self.type_names
            .get(shape)
            .cloned()
            .ok_or_else(|| format!("shape {shape} has no Rust type of its own"))
    }

    /// `expr`, boxed when the member needs it.
    pub fn wrap(&self, owner: &str, member: &str, expr: String) -> String {
        if self.is_boxed(owner, member) {
            format!("Box::new({expr})")
        } else {
            expr
        }
    }

    pub(super) fn is_boxed(&self, owner: &str, member: &str) -> bool {
        self.boxed.contains(&(owner.to_owned(), member.to_owned()))
    }
}

/// A member leads back to its own structure through structures alone (lists and maps
/// already put values on the heap).
pub(super) fn reaches<'m>(
    model: &'m Model,
    from: &'m str,
    target: &str,
    seen: &mut BTreeSet<&'m str>,
) -> bool {
    if from == target {
        return true;
    }
    if !seen.insert(from) {
        return false;
    }
    let Some(shape) = model.shapes.get(from) else {
        return false;
    };
    shape.kind == "structure"
        && !shape.document
        && shape
            .members
            .values()
            .any(|m| reaches(model, &m.shape, target, seen))
}

/// Every shape reachable from `roots` through members, list members and map keys/values.
pub(super) fn reachable<'m>(
    model: &'m Model,
    roots: impl IntoIterator<Item = &'m str>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        let Some(shape) = model.shapes.get(name) else {
            continue;
        };
        stack.extend(shape.members.values().map(|m| m.shape.as_str()));
        for m in [&shape.member, &shape.key, &shape.value]
            .into_iter()
            .flatten()
        {
            stack.push(m.shape.as_str());
        }
    }
    seen
}

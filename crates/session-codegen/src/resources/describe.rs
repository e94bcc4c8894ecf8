//! The static description of what was generated, emitted beside the resources: what
//! `session resources <service> --json` prints (so it shows the code, not the model).

use std::fmt::Write as _;

use crate::names::lit;

/// The generated elements of one resource (or the service resource), by model name.
#[derive(Debug, Default, Clone)]
pub(crate) struct NodeDesc {
    pub(crate) identifiers: Vec<String>,
    pub(crate) load: Option<String>,
    pub(crate) actions: Vec<String>,
    pub(crate) batch_actions: Vec<String>,
    pub(crate) waiters: Vec<String>,
    pub(crate) has: Vec<String>,
    pub(crate) collections: Vec<String>,
}

/// The whole tree.
#[derive(Debug, Default, Clone)]
pub struct Description {
    pub(crate) service: NodeDesc,
    pub(crate) resources: Vec<(String, NodeDesc)>,
}

impl Description {
    /// How many elements of each kind the resources (not the service resource) have:
    /// `(kind, count)`.
    pub fn totals(&self) -> Vec<(&'static str, usize)> {
        let sum = |f: fn(&NodeDesc) -> usize| self.resources.iter().map(|(_, n)| f(n)).sum();
        vec![
            ("resources", self.resources.len()),
            ("actions", sum(|n| n.actions.len())),
            ("batch actions", sum(|n| n.batch_actions.len())),
            ("waiters", sum(|n| n.waiters.len())),
            ("has", sum(|n| n.has.len())),
            ("collections", sum(|n| n.collections.len())),
            ("loads", sum(|n| usize::from(n.load.is_some()))),
        ]
    }
}

fn list(items: &[String]) -> String {
    format!(
        "&[{}]",
        items.iter().map(|i| lit(i)).collect::<Vec<_>>().join(", ")
    )
}

fn node(n: &NodeDesc) -> String {
    format!(
        "rt::ResourceNode {{ identifiers: {}, load: {}, actions: {}, batch_actions: {}, waiters: {}, has: {}, collections: {} }}",
        list(&n.identifiers),
        n.load
            .as_deref()
            .map_or_else(|| "None".to_owned(), |l| format!("Some({})", lit(l))),
        list(&n.actions),
        list(&n.batch_actions),
        list(&n.waiters),
        list(&n.has),
        list(&n.collections),
    )
}

/// `pub static MODEL: rt::ResourceModel = ...;`
pub(crate) fn render(d: &Description, out: &mut String) {
    let _ = writeln!(
        out,
        "/// What this module generates, with the resource model's names: printed by\n/// `session resources <service> --json`.\npub static MODEL: rt::ResourceModel = rt::ResourceModel {{\n    service: {},\n    resources: &[{}],\n}};",
        node(&d.service),
        d.resources
            .iter()
            .map(|(name, n)| format!("({}, {})", lit(name), node(n)))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

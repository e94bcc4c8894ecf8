//! Writing a compiled rule set out as bytes (see the parent module for the format).

use super::*;

pub(super) struct Writer<'r> {
    pub(super) bytes: Vec<u8>,
    /// The rule set being written, whose encoded subtrees are decoded to be written.
    pub(super) rule_set: &'r RuleSet,
}

impl Writer<'_> {
    pub(super) fn byte(&mut self, b: u8) {
        self.bytes.push(b);
    }

    pub(super) fn uint(&mut self, n: usize) {
        let mut n = n as u64;
        loop {
            let low = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.byte(low);
                return;
            }
            self.byte(low | 0x80);
        }
    }

    fn tag<T: PartialEq>(&mut self, table: &[T], value: &T) {
        let index = table.iter().position(|t| t == value);
        // Every variant is in its table (the tests encode each one); a missing one would be
        // written as an out-of-range tag, which decoding reports.
        self.uint(index.unwrap_or(table.len()));
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len());
        self.bytes.extend_from_slice(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.byte(0),
            Some(s) => {
                self.byte(1);
                self.str(s);
            }
        }
    }

    pub(super) fn param(&mut self, p: &Parameter) {
        self.str(&p.name);
        self.tag(&PARAM_TYPES, &p.kind);
        self.byte(u8::from(p.required) | u8::from(p.deprecated) << 1);
        match &p.default {
            None => self.byte(0),
            Some(ParamValue::String(s)) => {
                self.byte(1);
                self.str(s);
            }
            Some(ParamValue::Bool(b)) => self.byte(2 + u8::from(*b)),
            Some(ParamValue::StringArray(items)) => {
                self.byte(4);
                self.uint(items.len());
                items.iter().for_each(|s| self.str(s));
            }
        }
        self.opt_str(p.built_in.as_deref());
        self.opt_str(p.documentation.as_deref());
    }

    pub(super) fn rules(&mut self, rules: &[Rule]) {
        self.uint(rules.len());
        for rule in rules {
            self.uint(rule.conditions.len());
            for condition in rule.conditions.iter() {
                self.expr(&condition.expr);
                self.uint(condition.assign.map_or(0, |slot| slot + 1));
            }
            match &rule.action {
                Action::Endpoint(endpoint) => {
                    self.byte(0);
                    self.expr(&endpoint.url);
                    self.uint(endpoint.headers.len());
                    for (name, values) in endpoint.headers.iter() {
                        self.str(name);
                        self.uint(values.len());
                        values.iter().for_each(|v| self.expr(v));
                    }
                    self.props(&endpoint.properties);
                }
                Action::Error(message) => {
                    self.byte(1);
                    self.expr(message);
                }
                Action::Tree(inner) => {
                    self.byte(2);
                    self.subtree(inner);
                }
            }
        }
    }

    /// A subtree, prefixed with its length so that loading can step over it.
    fn subtree(&mut self, tree: &Subtree) {
        let mut inner = Writer {
            bytes: Vec::new(),
            rule_set: self.rule_set,
        };
        match self.rule_set.subtree(tree) {
            Ok(rules) => inner.rules(rules),
            // Only a forged input gets here; its undecodable bytes are kept as they are.
            Err(_) => {
                if let Subtree::Encoded(encoded) = tree {
                    let raw = self.rule_set.encoded.get(encoded.range.clone());
                    inner.bytes.extend_from_slice(raw.unwrap_or_default());
                }
            }
        }
        self.uint(inner.bytes.len());
        self.bytes.extend_from_slice(&inner.bytes);
    }

    fn props(&mut self, props: &[(String, Prop)]) {
        self.uint(props.len());
        for (name, prop) in props {
            self.str(name);
            self.prop(prop);
        }
    }

    fn prop(&mut self, prop: &Prop) {
        match prop {
            Prop::Null => self.byte(0),
            Prop::Bool(b) => self.byte(1 + u8::from(*b)),
            Prop::Number(n) => {
                self.byte(3);
                self.bytes.extend_from_slice(&n.to_le_bytes());
            }
            Prop::Str(template) => {
                self.byte(4);
                self.template(template);
            }
            Prop::Array(items) => {
                self.byte(5);
                self.uint(items.len());
                items.iter().for_each(|p| self.prop(p));
            }
            Prop::Object(members) => {
                self.byte(6);
                self.props(members);
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Str(template) => {
                self.byte(0);
                self.template(template);
            }
            Expr::Bool(b) => self.byte(1 + u8::from(*b)),
            Expr::Int(n) => {
                self.byte(3);
                // Zig-zag, so that small negative numbers stay short.
                self.uint(((n << 1) ^ (n >> 63)) as u64 as usize);
            }
            Expr::Ref(slot) => {
                self.byte(4);
                self.uint(*slot);
            }
            Expr::GetAttr(target, path) => {
                self.byte(5);
                self.expr(target);
                self.path(path);
            }
            Expr::Call(func, args) => {
                self.byte(6);
                self.tag(&FUNCS, func);
                self.uint(args.len());
                args.iter().for_each(|a| self.expr(a));
            }
        }
    }

    fn template(&mut self, template: &Template) {
        self.uint(template.parts.len());
        for part in template.parts.iter() {
            match part {
                Part::Lit(text) => {
                    self.byte(0);
                    self.str(text);
                }
                Part::Var { slot, path, source } => {
                    self.byte(1);
                    self.uint(*slot);
                    self.path(path);
                    self.str(source);
                }
            }
        }
    }

    fn path(&mut self, path: &[Seg]) {
        self.uint(path.len());
        for seg in path {
            match seg {
                Seg::Field(field) => {
                    self.byte(0);
                    self.tag(&FIELDS, field);
                }
                Seg::Index(i) => {
                    self.byte(1);
                    self.uint(*i);
                }
            }
        }
    }
}

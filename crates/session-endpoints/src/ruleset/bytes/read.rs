//! Reading a compiled rule set back from bytes, checking every node as it is read.

use super::*;

/// Why decoding failed, with the byte offset; the callers wrap it in their error type.
pub(super) type Error = String;

pub(super) struct Reader<'b> {
    bytes: &'b [u8],
    pub(super) pos: usize,
    pub(super) slots: usize,
    depth: usize,
}

/// What the payload holds before any subtree: the parameters, whether partitions are used,
/// and the top-level rules.
pub(super) struct TopLevel {
    pub(super) params: Vec<Parameter>,
    pub(super) uses_partitions: bool,
    pub(super) rules: Box<[Rule]>,
}

impl<'b> Reader<'b> {
    pub(super) fn new(bytes: &'b [u8], pos: usize, depth: usize, slots: usize) -> Self {
        Self {
            bytes,
            pos,
            slots,
            depth,
        }
    }

    pub(super) fn error(&self, what: &str) -> Error {
        format!("{what} (at byte {})", self.pos)
    }

    /// The header fields and the top-level rules.
    pub(super) fn top_level(&mut self) -> Result<TopLevel, Error> {
        self.slots = self.uint()?;
        let uses_partitions = match self.byte()? {
            0 => false,
            1 => true,
            _ => return Err(self.error("unknown tag")),
        };
        let count = self.count()?;
        let mut params = Vec::with_capacity(count);
        for _ in 0..count {
            params.push(self.param()?);
        }
        if params.len() > self.slots {
            return Err(self.error("more parameters than slots"));
        }
        let rules = self.rules()?;
        if self.pos != self.bytes.len() {
            return Err(self.error("trailing bytes after the rules"));
        }
        Ok(TopLevel {
            params,
            uses_partitions,
            rules,
        })
    }

    fn byte(&mut self) -> Result<u8, Error> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| self.error("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<usize, Error> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return usize::try_from(n).map_err(|_| self.error("number too large"));
            }
        }
        Err(self.error("number too long"))
    }

    /// A count of items that follow: each takes at least a byte, so a count beyond the
    /// bytes left is corruption (and must not size an allocation).
    fn count(&mut self) -> Result<usize, Error> {
        let n = self.uint()?;
        if n > self.bytes.len() - self.pos {
            return Err(self.error("count beyond the end of the data"));
        }
        Ok(n)
    }

    fn tag<T: Copy>(&mut self, table: &[T]) -> Result<T, Error> {
        let index = self.uint()?;
        table
            .get(index)
            .copied()
            .ok_or_else(|| self.error("unknown tag"))
    }

    fn slot(&mut self) -> Result<Slot, Error> {
        let slot = self.uint()?;
        if slot >= self.slots {
            return Err(self.error("slot out of range"));
        }
        Ok(slot)
    }

    fn str(&mut self) -> Result<String, Error> {
        let len = self.count()?;
        let raw = &self.bytes[self.pos..self.pos + len];
        let s = std::str::from_utf8(raw).map_err(|_| self.error("string is not UTF-8"))?;
        self.pos += len;
        Ok(s.to_owned())
    }

    fn opt_str(&mut self) -> Result<Option<String>, Error> {
        match self.byte()? {
            0 => Ok(None),
            1 => self.str().map(Some),
            _ => Err(self.error("unknown tag")),
        }
    }

    fn param(&mut self) -> Result<Parameter, Error> {
        let name = self.str()?;
        let kind = self.tag(&PARAM_TYPES)?;
        let flags = self.byte()?;
        let default = match self.byte()? {
            0 => None,
            1 => Some(ParamValue::String(self.str()?)),
            b @ (2 | 3) => Some(ParamValue::Bool(b == 3)),
            4 => {
                let count = self.count()?;
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.str()?);
                }
                Some(ParamValue::StringArray(items))
            }
            _ => return Err(self.error("unknown tag")),
        };
        Ok(Parameter {
            name,
            kind,
            required: flags & 1 != 0,
            deprecated: flags & 2 != 0,
            default,
            built_in: self.opt_str()?,
            documentation: self.opt_str()?,
        })
    }

    /// Runs `f` one level deeper, refusing trees deeper than [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, Error>,
    ) -> Result<Box<[T]>, Error> {
        let count = self.count()?;
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push(item(self)?);
        }
        Ok(items.into())
    }

    pub(super) fn rules(&mut self) -> Result<Box<[Rule]>, Error> {
        self.nested(|r| r.list(Self::rule))
    }

    fn rule(&mut self) -> Result<Rule, Error> {
        let conditions = self.list(|r| {
            let expr = r.expr()?;
            let assign = match r.uint()? {
                0 => None,
                n => {
                    let slot = n - 1;
                    if slot >= r.slots {
                        return Err(r.error("slot out of range"));
                    }
                    Some(slot)
                }
            };
            Ok(Condition { expr, assign })
        })?;
        let action = match self.byte()? {
            0 => Action::Endpoint(Box::new(EndpointTemplate {
                url: self.expr()?,
                headers: self.list(|r| Ok((r.str()?, r.list(Self::expr)?)))?,
                properties: self.props()?,
            })),
            1 => Action::Error(self.expr()?),
            2 => {
                let len = self.count()?;
                let range = self.pos..self.pos + len;
                self.pos = range.end;
                Action::Tree(Subtree::Encoded(Box::new(Encoded {
                    range,
                    depth: self.depth,
                    rules: OnceLock::new(),
                })))
            }
            _ => return Err(self.error("unknown tag")),
        };
        Ok(Rule { conditions, action })
    }

    fn props(&mut self) -> Result<Box<[(String, Prop)]>, Error> {
        self.nested(|r| r.list(|r| Ok((r.str()?, r.prop()?))))
    }

    fn prop(&mut self) -> Result<Prop, Error> {
        Ok(match self.byte()? {
            0 => Prop::Null,
            b @ (1 | 2) => Prop::Bool(b == 2),
            3 => {
                let raw = self
                    .bytes
                    .get(self.pos..self.pos + 8)
                    .ok_or_else(|| self.error("truncated"))?;
                let mut le = [0; 8];
                le.copy_from_slice(raw);
                self.pos += 8;
                Prop::Number(f64::from_le_bytes(le))
            }
            4 => Prop::Str(self.template()?),
            5 => Prop::Array(self.nested(|r| r.list(Self::prop))?),
            6 => Prop::Object(self.props()?),
            _ => return Err(self.error("unknown tag")),
        })
    }

    fn expr(&mut self) -> Result<Expr, Error> {
        self.nested(|r| {
            Ok(match r.byte()? {
                0 => Expr::Str(r.template()?),
                b @ (1 | 2) => Expr::Bool(b == 2),
                3 => {
                    let z = r.uint()? as u64;
                    Expr::Int((z >> 1) as i64 ^ -((z & 1) as i64))
                }
                4 => Expr::Ref(r.slot()?),
                5 => Expr::GetAttr(Box::new(r.expr()?), r.path()?),
                6 => {
                    let func = r.tag(&FUNCS)?;
                    Expr::Call(func, r.list(Self::expr)?)
                }
                _ => return Err(r.error("unknown tag")),
            })
        })
    }

    fn template(&mut self) -> Result<Template, Error> {
        let parts = self.list(|r| match r.byte()? {
            0 => Ok(Part::Lit(r.str()?.into())),
            1 => Ok(Part::Var {
                slot: r.slot()?,
                path: r.path()?,
                source: r.str()?.into(),
            }),
            _ => Err(r.error("unknown tag")),
        })?;
        Ok(Template { parts })
    }

    fn path(&mut self) -> Result<Box<[Seg]>, Error> {
        self.list(|r| match r.byte()? {
            0 => Ok(Seg::Field(r.tag(&FIELDS)?)),
            1 => Ok(Seg::Index(r.uint()?)),
            _ => Err(r.error("unknown tag")),
        })
    }
}

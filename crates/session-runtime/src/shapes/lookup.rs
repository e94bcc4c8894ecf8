//! Finding members: by model name (values are keyed by it) and by wire name (answers carry
//! it). Structures have few members, so a scan comparing lengths first beats hashing.

use super::{Kind, Location, Member, Shape};

impl Shape {
    /// A structure's members (none for other shapes).
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            Kind::Structure(members) => members,
            _ => &[],
        }
    }

    /// The member named `name` in the model.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members().iter().find(|m| m.name == name)
    }

    /// The body member whose wire name is `wire` (in `location`).
    pub fn member_on_wire(&self, wire: &[u8], location: Location) -> Option<&'static Member> {
        self.members().iter().find(|m| {
            m.location == location && m.wire.len() == wire.len() && m.wire.as_bytes() == wire
        })
    }

    /// Whether the shape has this flag.
    pub fn is(&self, flag: super::ShapeFlags) -> bool {
        self.flags.has(flag)
    }
}

//! Which members of a structure were already written or read: bits for the usual
//! structure (no allocation per structure, which the XML reader pays for every element),
//! a `Vec` for the rare one with more than 64 members.

/// A set of member places.
pub(crate) enum Seen {
    Small(u64),
    Large(Vec<bool>),
}

impl Seen {
    /// An empty set for a structure of `n` members.
    pub(crate) fn new(n: usize) -> Self {
        if n <= 64 {
            Seen::Small(0)
        } else {
            Seen::Large(vec![false; n])
        }
    }

    /// Marks member `i`; whether it was marked already.
    pub(crate) fn set(&mut self, i: usize) -> bool {
        match self {
            Seen::Small(bits) => {
                let was = *bits & (1 << i) != 0;
                *bits |= 1 << i;
                was
            }
            Seen::Large(v) => std::mem::replace(&mut v[i], true),
        }
    }

    /// Whether member `i` is marked.
    pub(crate) fn get(&self, i: usize) -> bool {
        match self {
            Seen::Small(bits) => *bits & (1 << i) != 0,
            Seen::Large(v) => v[i],
        }
    }

    /// How many members are marked.
    pub(crate) fn count(&self) -> usize {
        match self {
            Seen::Small(bits) => bits.count_ones() as usize,
            Seen::Large(v) => v.iter().filter(|b| **b).count(),
        }
    }
}

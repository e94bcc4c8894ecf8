//! XML as a small DOM, for comparing XML bodies by structure rather than by bytes (the
//! protocol tests do). The runtime's own XML reading and writing is in `wire`.

pub mod dom;

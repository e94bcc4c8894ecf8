//! What the model does not give: the credentials chain's role providers over this crate's
//! client.

pub mod credentials;

//! The function library of the rules language, as plain functions over strings.
//!
//! The evaluator (`crate::eval`) deals with unset arguments and with borrowing; the
//! functions here only compute. Functions that split their input return byte ranges so
//! that the evaluator can borrow the parts from wherever the input lives.

pub(crate) mod arn;
pub(crate) mod partition;
pub(crate) mod s3;
pub(crate) mod string;
pub(crate) mod url;

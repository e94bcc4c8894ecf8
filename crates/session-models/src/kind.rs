//! The files a service has, by botocore's type names.

use std::fmt;

/// One of the model files of a service, named as botocore names them (`service-2`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FileKind {
    /// `service-2.json`: metadata, operations and shapes. Every service has one.
    Service,
    /// `paginators-1.json`: how list operations page.
    Paginators,
    /// `waiters-2.json`: the service's waiters.
    Waiters,
    /// `endpoint-rule-set-1.json`: the endpoint rules (Smithy rules engine).
    EndpointRuleSet,
    /// `service-2.sdk-extras.json`: botocore's additions to `service-2`; its `merge`
    /// member is deep-merged into the service model when botocore loads it.
    ServiceExtras,
    /// `paginators-1.sdk-extras.json`: the same for `paginators-1`.
    PaginatorsExtras,
}

impl FileKind {
    /// Every kind, in the order of the pack format's codes.
    pub const ALL: [FileKind; 6] = [
        FileKind::Service,
        FileKind::Paginators,
        FileKind::Waiters,
        FileKind::EndpointRuleSet,
        FileKind::ServiceExtras,
        FileKind::PaginatorsExtras,
    ];

    /// botocore's type name: the file name without `.json` (`endpoint-rule-set-1`).
    pub fn type_name(self) -> &'static str {
        match self {
            FileKind::Service => "service-2",
            FileKind::Paginators => "paginators-1",
            FileKind::Waiters => "waiters-2",
            FileKind::EndpointRuleSet => "endpoint-rule-set-1",
            FileKind::ServiceExtras => "service-2.sdk-extras",
            FileKind::PaginatorsExtras => "paginators-1.sdk-extras",
        }
    }

    /// The kind of a type name, if it is one of these.
    pub fn from_type_name(name: &str) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.type_name() == name)
    }

    /// The byte that stands for this kind in a pack (format version 1).
    pub(crate) fn code(self) -> u8 {
        match self {
            FileKind::Service => 1,
            FileKind::Paginators => 2,
            FileKind::Waiters => 3,
            FileKind::EndpointRuleSet => 4,
            FileKind::ServiceExtras => 5,
            FileKind::PaginatorsExtras => 6,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<FileKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.type_name())
    }
}

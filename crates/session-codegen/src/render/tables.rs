//! `generated/tables.rs`: the service's shape tables, printed from what
//! `session_runtime::model::build` makes of the model. The rules that turn a model into
//! tables live there, once, for the typed crates and the dynamic client alike; this file
//! only writes the result down as `static`s.

use std::fmt::Write as _;

use session_runtime::shapes::{
    Kind, Location, Member, Operation, Service, Shape, StaticParam, TimestampFormat, XmlNamespace,
};

use crate::names::lit;

/// The Rust source of `service`'s tables: `pub(crate) static SERVICE`.
pub(super) fn render_tables(service: &Service, header: &str) -> String {
    let mut out = String::from(header);
    out.push_str(
        "//! The service's shape tables, which the runtime's serializers and parsers read\n\
         //! (printed from the model by `session_runtime::model::build`'s rules).\n\n\
         #![allow(clippy::all, clippy::pedantic)]\n\n\
         #[allow(unused_imports)]\n\
         use session_runtime::shapes::{AuthScheme as A, Kind as K, Location as L, Member as M, Operation as O, Service, Shape as S, StaticParam as P, TimestampFormat as T, XmlNamespace as N};\n\n",
    );
    let _ = writeln!(
        out,
        "/// The service and its tables.\npub(crate) static SERVICE: Service = Service {{\n    name: {},\n    service_id: {},\n    signing_name: {},\n    protocol: session_runtime::shapes::Protocol::{:?},\n    api_version: {},\n    target_prefix: {},\n    xml_namespace: {},\n    query_compatible: {},\n    shapes: &SHAPES,\n    operations: &OPERATIONS,\n}};\n",
        lit(service.name),
        lit(service.service_id),
        lit(service.signing_name),
        service.protocol,
        lit(service.api_version),
        lit(service.target_prefix),
        opt_str(service.xml_namespace),
        service.query_compatible,
    );
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\nstatic SHAPES: [S; {}] = [",
        service.shapes.len()
    );
    for (i, shape) in service.shapes.iter().enumerate() {
        let _ = writeln!(out, "    /* {i} */ {},", shape_expr(shape));
    }
    out.push_str("];\n\n");
    let _ = writeln!(
        out,
        "#[rustfmt::skip]\nstatic OPERATIONS: [O; {}] = [",
        service.operations.len()
    );
    for (i, op) in service.operations.iter().enumerate() {
        let _ = writeln!(out, "    /* {i} */ {},", operation_expr(op));
    }
    out.push_str("];\n");
    out
}

fn opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), |s| format!("Some({})", lit(s)))
}

fn namespace(ns: &XmlNamespace) -> String {
    format!(
        "&N {{ prefix: {}, uri: {} }}",
        opt_str(ns.prefix),
        lit(ns.uri)
    )
}

fn format_name(f: TimestampFormat) -> String {
    format!("T::{f:?}")
}

fn member_expr(m: &Member) -> String {
    let flags = m.flags.bits();
    let mut s = if m.location == Location::Body && m.wire == m.name && m.query_key == m.name {
        format!("M::body({}, {}, {flags})", lit(m.name), m.shape)
    } else if m.query_key == m.wire {
        format!(
            "M::wired({}, {}, L::{:?}, {}, {flags})",
            lit(m.name),
            m.shape,
            m.location,
            lit(m.wire)
        )
    } else {
        format!(
            "M::new({}, {}, L::{:?}, {}, {}, {flags})",
            lit(m.name),
            m.shape,
            m.location,
            lit(m.wire),
            lit(m.query_key)
        )
    };
    if let Some(f) = m.timestamp_format {
        let _ = write!(s, ".format({})", format_name(f));
    }
    if let Some(ns) = m.xml_namespace {
        let _ = write!(s, ".ns({})", namespace(ns));
    }
    s
}

fn kind_expr(kind: &Kind) -> String {
    match kind {
        Kind::Structure(members) => {
            let mut s = String::from("K::Structure(&[");
            for m in *members {
                let _ = write!(s, "\n        {},", member_expr(m));
            }
            if !members.is_empty() {
                s.push_str("\n    ");
            }
            s.push_str("])");
            s
        }
        Kind::List(m) => format!("K::List(&{})", member_expr(m)),
        Kind::Map(k, v) => format!("K::Map(&{}, &{})", member_expr(k), member_expr(v)),
        // The enum's values live in the generated Rust enum; the runtime reads them only
        // to note a value the model does not know, which a typed enum already knows.
        Kind::String(_) => "K::String(&[])".to_owned(),
        Kind::Timestamp(Some(f)) => format!("K::Timestamp(Some({}))", format_name(*f)),
        Kind::Timestamp(None) => "K::Timestamp(None)".to_owned(),
        other => format!("K::{other:?}"),
    }
}

fn shape_expr(shape: &Shape) -> String {
    let mut s = format!("S::new({}, {})", lit(shape.name), kind_expr(&shape.kind));
    if shape.flags.bits() != 0 {
        let _ = write!(s, ".flags({})", shape.flags.bits());
    }
    if let Some(p) = shape.payload {
        let _ = write!(s, ".payload({})", lit(p));
    }
    if let Some(code) = shape.error_code {
        let _ = write!(s, ".error({}, {})", lit(code), shape.error_status);
    }
    if let Some(ns) = shape.xml_namespace {
        let _ = write!(s, ".ns({})", namespace(ns));
    }
    if let Some(n) = shape.xml_name {
        let _ = write!(s, ".xml_name({})", lit(n));
    }
    if let Some(v) = shape.min {
        let _ = write!(s, ".min({v})");
    }
    if let Some(v) = shape.max {
        let _ = write!(s, ".max({v})");
    }
    s
}

fn opt_id(id: Option<u32>) -> String {
    id.map_or_else(|| "None".to_owned(), |id| format!("Some({id})"))
}

fn str_list(items: &[&str]) -> String {
    let items: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("&[{}]", items.join(", "))
}

fn operation_expr(op: &Operation) -> String {
    let mut s = format!(
        "O::new({}, {}, {})",
        lit(op.name),
        lit(op.method),
        lit(op.uri)
    );
    if op.input.is_some() || op.output.is_some() {
        let _ = write!(s, ".io({}, {})", opt_id(op.input), opt_id(op.output));
    }
    if !op.errors.is_empty() {
        let ids: Vec<String> = op.errors.iter().map(u32::to_string).collect();
        let _ = write!(s, ".errors(&[{}])", ids.join(", "));
    }
    if op.flags.bits() != 0 {
        let _ = write!(s, ".flags({})", op.flags.bits());
    }
    if let Some(code) = op.response_code {
        let _ = write!(s, ".response_code({code})");
    }
    if let Some(w) = op.result_wrapper {
        let _ = write!(s, ".result_wrapper({})", lit(w));
    }
    if op.input_root.is_some() || op.input_namespace.is_some() {
        let ns = op.input_namespace.map_or_else(
            || "None".to_owned(),
            |ns| format!("Some({})", namespace(ns)),
        );
        let _ = write!(s, ".input_root({}, {ns})", opt_str(op.input_root));
    }
    if op.input_payload.is_some() || op.output_payload.is_some() {
        let _ = write!(
            s,
            ".payloads({}, {})",
            opt_str(op.input_payload),
            opt_str(op.output_payload)
        );
    }
    if let Some(p) = op.host_prefix {
        let _ = write!(s, ".host_prefix({})", lit(p));
    }
    if op.checksum_algorithm_member.is_some()
        || op.checksum_mode_member.is_some()
        || !op.response_checksums.is_empty()
    {
        let _ = write!(
            s,
            ".checksums({}, {}, {})",
            opt_str(op.checksum_algorithm_member),
            opt_str(op.checksum_mode_member),
            str_list(op.response_checksums)
        );
    }
    if !op.compression.is_empty() {
        let _ = write!(s, ".compression({})", str_list(op.compression));
    }
    if !op.static_params.is_empty() || !op.context_params.is_empty() {
        let fixed: Vec<String> = op
            .static_params
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    StaticParam::Bool(b) => format!("P::Bool({b})"),
                    StaticParam::Str(s) => format!("P::Str({})", lit(s)),
                };
                format!("({}, {v})", lit(k))
            })
            .collect();
        let from: Vec<String> = op
            .context_params
            .iter()
            .map(|(p, m)| format!("({}, {})", lit(p), lit(m)))
            .collect();
        let _ = write!(
            s,
            ".params(&[{}], &[{}])",
            fixed.join(", "),
            from.join(", ")
        );
    }
    if !op.context_paths.is_empty() {
        let paths: Vec<String> = op
            .context_paths
            .iter()
            .map(|(p, path)| format!("({}, {})", lit(p), lit(path)))
            .collect();
        let _ = write!(s, ".context_paths(&[{}])", paths.join(", "));
    }
    if !op.auth.is_empty() {
        let schemes: Vec<String> = op.auth.iter().map(|a| format!("A::{a:?}")).collect();
        let _ = write!(s, ".auth(&[{}])", schemes.join(", "));
    }
    s
}

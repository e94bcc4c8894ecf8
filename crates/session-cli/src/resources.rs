//! `session resources S`: the resource tree the service crate generated (boto3's names),
//! read from the static description emitted beside the generated resources, so it shows
//! what the code has rather than what the model file says.

use session_runtime::ResourceModel;

use crate::args::Args;
use crate::commands::{to_json, Failure};

fn model(name: &str) -> Option<&'static ResourceModel> {
    Some(match name.to_ascii_lowercase().as_str() {
        "s3" => &services_s3::resources::MODEL,
        "sqs" => &services_sqs::resources::MODEL,
        "dynamodb" => &services_dynamodb::resources::MODEL,
        _ => return None,
    })
}

pub(crate) fn run(args: &Args, name: &str) -> Result<String, Failure> {
    let model = model(name).ok_or_else(|| Failure {
        code: 2,
        message: format!("no resources for service {name:?} (s3, sqs, dynamodb)"),
    })?;
    if args.json {
        return Ok(to_json(&model.to_json()));
    }
    // Text: one line per resource with its identifiers, then its elements indented.
    let mut out = String::new();
    let line = |out: &mut String, label: &str, items: &[&str]| {
        if !items.is_empty() {
            out.push_str(&format!("    {label}: {}\n", items.join(", ")));
        }
    };
    out.push_str("service\n");
    line(&mut out, "actions", model.service.actions);
    line(&mut out, "has", model.service.has);
    line(&mut out, "collections", model.service.collections);
    for (resource, node) in model.resources {
        out.push_str(&format!("{resource}({})\n", node.identifiers.join(", ")));
        if let Some(load) = node.load {
            out.push_str(&format!("    load: {load}\n"));
        }
        line(&mut out, "actions", node.actions);
        line(&mut out, "batch actions", node.batch_actions);
        line(&mut out, "waiters", node.waiters);
        line(&mut out, "has", node.has);
        line(&mut out, "collections", node.collections);
    }
    Ok(out)
}

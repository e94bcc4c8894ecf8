//! `session call SERVICE OPERATION`: any operation of any service, input and output as
//! JSON (blobs base64, timestamps RFC 3339); `--dry-run` prints the signed request
//! instead of sending it; `--paginate` follows the paginator and merges the pages.

use futures_util::TryStreamExt as _;
use serde_json::Value as Json;
use session_core::Session;
use session_dynamic::{DynClient, Value};

use crate::commands::{to_json, Failure};
use crate::describe::usage;

/// What `call` was asked.
pub(crate) struct CallArgs {
    pub(crate) service: String,
    pub(crate) operation: String,
    pub(crate) input: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) dry_run: bool,
    pub(crate) paginate: bool,
}

fn config(message: String) -> Failure {
    Failure { code: 2, message }
}

/// The input: JSON text, `@file`, or `{}`.
fn input(arg: Option<&str>) -> Result<Json, Failure> {
    let text = match arg {
        None => return Ok(Json::Object(serde_json::Map::new())),
        Some(a) => match a.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| config(format!("cannot read the input file {path}: {e}")))?,
            None => a.to_owned(),
        },
    };
    let json: Json =
        serde_json::from_str(&text).map_err(|e| config(format!("--input is not JSON: {e}")))?;
    if !json.is_object() {
        return Err(config("--input must be a JSON object".into()));
    }
    Ok(json)
}

fn session(args: &CallArgs) -> Result<Session, Failure> {
    let mut b = Session::builder();
    if let Some(p) = &args.profile {
        b = b.profile(p);
    }
    if let Some(r) = &args.region {
        b = b.region(r);
    }
    if let Some(u) = &args.endpoint_url {
        b = b.setting("endpoint_url", u);
    }
    b.build().map_err(|e| config(e.to_string()))
}

/// The error line of a failed call: the service's code, message and request id.
fn failure(e: &session_dynamic::Error) -> Failure {
    if e.is_invalid() || e.is_config() {
        return usage(e);
    }
    let message = match e.service_error() {
        Some(_) => format!(
            "{}: {} (request id {})",
            e.code().unwrap_or("unknown error"),
            e.message().unwrap_or("no message"),
            e.request_id().unwrap_or("none")
        ),
        None => error_chain(e),
    };
    Failure { code: 1, message }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = s.source();
    }
    out
}

pub(crate) fn run(args: &CallArgs) -> Result<String, Failure> {
    let input = Value::from_json(&input(args.input.as_deref())?);
    let session = session(args)?;
    let client = DynClient::new(&session, &args.service).map_err(|e| usage(&e))?;
    client.operation(&args.operation).map_err(|e| usage(&e))?;
    for w in client
        .validate(&args.operation, &input)
        .map_err(|e| usage(&e))?
    {
        eprintln!("session: warning: {w}");
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| config(format!("could not start an async runtime: {e}")))?;
    rt.block_on(async {
        if args.dry_run {
            let req = client
                .dry_run(&args.operation, input)
                .await
                .map_err(|e| failure(&e))?;
            return Ok(to_json(&req.to_json()));
        }
        if args.paginate {
            let has = client
                .model()
                .has_paginator(&args.operation)
                .map_err(|e| usage(&e))?;
            if !has {
                return Err(config(format!(
                    "{} {} has no paginator",
                    args.service, args.operation
                )));
            }
            let keys = client
                .model()
                .result_keys(&args.operation)
                .map_err(|e| usage(&e))?;
            let pages: Vec<Value> = client
                .paginate(&args.operation, input)
                .try_collect()
                .await
                .map_err(|e| failure(&e))?;
            return Ok(to_json(&merge(pages, &keys).to_json()));
        }
        let out = client
            .call(&args.operation, input)
            .await
            .map_err(|e| failure(&e))?;
        Ok(to_json(&out.to_json()))
    })
}

/// The pages as one output: the first page, with each result key's items of every page.
fn merge(pages: Vec<Value>, keys: &[String]) -> Value {
    let mut pages = pages.into_iter();
    let Some(mut first) = pages.next() else {
        return Value::map();
    };
    for page in pages {
        let (Value::Map(all), Value::Map(mut more)) = (&mut first, page) else {
            continue;
        };
        for key in keys {
            match (all.get_mut(key.as_str()), more.shift_remove(key.as_str())) {
                (Some(Value::List(items)), Some(Value::List(extra))) => items.extend(extra),
                (None, Some(v)) => {
                    all.insert(key.clone(), v);
                }
                _ => {}
            }
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_merge_by_result_key() {
        let p = |items: &[i64], token: Option<&str>| {
            let v = Value::map().with(
                "Items",
                Value::List(items.iter().map(|i| Value::Integer(*i)).collect()),
            );
            match token {
                Some(t) => v.with("Next", t),
                None => v,
            }
        };
        let merged = merge(
            vec![p(&[1, 2], Some("a")), p(&[3], None)],
            &["Items".into()],
        );
        assert_eq!(merged["Items"].as_list().map(<[Value]>::len), Some(3));
    }

    #[test]
    fn input_forms() {
        assert!(input(None).unwrap().is_object());
        assert!(input(Some("[1]")).is_err());
        assert_eq!(input(Some("{nope")).err().map(|f| f.code), Some(2));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("in.json");
        std::fs::write(&f, r#"{"A": 1}"#).unwrap();
        assert_eq!(input(Some(&format!("@{}", f.display()))).unwrap()["A"], 1);
    }
}

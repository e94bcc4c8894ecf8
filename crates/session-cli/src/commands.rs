//! The three commands. Each returns the text to print, or a failure with its exit code.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};
use session_core::credentials::Credentials;
use session_core::profile::{ProfileSet, Section};
use session_core::{Env, Fs, Session};

use crate::args::Args;
use crate::json::{self, MASK};

#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl From<session_core::Error> for Failure {
    fn from(e: session_core::Error) -> Self {
        // A malformed file is a usage-class problem (2); an unusable configuration is 1.
        let code = if e.is_parse() { 2 } else { 1 };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

pub(crate) fn session(args: &Args) -> Result<Session, Failure> {
    let mut builder = Session::builder();
    if let Some(p) = &args.profile {
        builder = builder.profile(p);
    }
    Ok(builder.build()?)
}

/// Resolves credentials as clients do: the whole default chain, remote providers included.
/// The error is the message of every error in the chain of sources.
fn resolve_credentials(session: &Session) -> Result<Credentials, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start an async runtime: {e}"))?;
    rt.block_on(services_sts::credentials::resolve(session))
        .map_err(|e| error_chain(&e))
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

pub(crate) fn to_json(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

pub(crate) fn config(args: &Args) -> Result<String, Failure> {
    let session = session(args)?;
    let creds = resolve_credentials(&session);
    if args.json {
        let explain = session.explain();
        let (profile, origin) = explain.profile();
        let settings: Map<String, Value> = explain
            .settings()
            .map(|s| (s.name().to_owned(), json::setting(s)))
            .collect();
        let mut out = json!({
            "profile": { "value": profile, "origin": origin.to_string() },
            "region": session.setting("region").map(json::setting),
            "settings": settings,
            "credentials": creds.as_ref().ok().map(|c| json::credentials(c, false)),
        });
        if let Err(e) = &creds {
            out["credentials_error"] = json!(e);
        }
        if !session.warnings().is_empty() {
            out["warnings"] = json!(session.warnings());
        }
        return Ok(to_json(&out));
    }
    let mut text = session.explain().to_string();
    match &creds {
        Ok(c) => {
            let _ = writeln!(
                text,
                "\ncredentials: {} from {}",
                c.access_key_id(),
                c.source()
            );
        }
        Err(e) => {
            let _ = writeln!(text, "\ncredentials: none ({e})");
        }
    }
    for w in session.warnings() {
        let _ = writeln!(text, "warning: {w}");
    }
    Ok(text)
}

fn plan_json(step: &session_core::credentials::Step) -> Value {
    use session_core::credentials::Step;
    let mut v = match step {
        Step::Static {
            access_key_id,
            source,
        } => json!({ "access_key_id": access_key_id, "source": source }),
        Step::Environment => json!({}),
        Step::AssumeRole {
            role_arn,
            role_session_name,
            external_id,
            profile,
        } => {
            json!({ "role_arn": role_arn, "role_session_name": role_session_name, "external_id": external_id, "profile": profile })
        }
        Step::WebIdentity {
            role_arn,
            web_identity_token_file,
            role_session_name,
        } => {
            json!({ "role_arn": role_arn, "web_identity_token_file": web_identity_token_file, "role_session_name": role_session_name })
        }
        Step::Sso {
            sso_start_url,
            sso_region,
            sso_account_id,
            sso_role_name,
            sso_session,
        } => {
            json!({ "sso_start_url": sso_start_url, "sso_region": sso_region, "sso_account_id": sso_account_id, "sso_role_name": sso_role_name, "sso_session": sso_session })
        }
        Step::CredentialProcess { command } => json!({ "command": command }),
        Step::NamedSource { name } => json!({ "name": name }),
        Step::Container { uri } => json!({ "uri": uri }),
        Step::Imds { endpoint } => json!({ "endpoint": endpoint }),
        // Step is non-exhaustive.
        #[allow(unreachable_patterns)]
        _ => json!({}),
    };
    v["kind"] = json!(step.kind());
    v
}

fn credentials_plan(args: &Args, session: &Session) -> Result<String, Failure> {
    let plan = session_core::credentials::plan(session).map_err(|e| Failure {
        code: 2,
        message: e.to_string(),
    })?;
    let steps: Vec<Value> = plan.steps().iter().map(plan_json).collect();
    if args.json {
        return Ok(to_json(&json!({ "plan": steps })));
    }
    let mut text = String::new();
    for (i, step) in steps.iter().enumerate() {
        let _ = write!(
            text,
            "{}. {}",
            i + 1,
            step["kind"].as_str().unwrap_or_default()
        );
        for (k, v) in step.as_object().into_iter().flatten() {
            if k != "kind" && !v.is_null() {
                let _ = write!(text, " {k}={}", v.as_str().unwrap_or_default());
            }
        }
        text.push('\n');
    }
    Ok(text)
}

pub(crate) fn credentials(args: &Args) -> Result<String, Failure> {
    let session = session(args)?;
    if args.plan {
        return credentials_plan(args, &session);
    }
    let creds = resolve_credentials(&session).map_err(|message| Failure { code: 1, message })?;
    if args.json {
        return Ok(to_json(&json::credentials(&creds, args.reveal)));
    }
    let v = json::credentials(&creds, args.reveal);
    let mut text = String::new();
    for key in [
        "source",
        "access_key_id",
        "secret_access_key",
        "session_token",
        "expiration",
    ] {
        if let Some(s) = v[key].as_str() {
            let _ = writeln!(text, "{key}: {s}");
        }
    }
    Ok(text)
}

/// Keys whose values are secrets in any section.
const SECRET_KEYS: &[&str] = &["aws_secret_access_key", "aws_session_token"];

fn section_json(section: &Section, reveal: bool) -> Value {
    let mut map = Map::new();
    for p in section.properties() {
        let value = if p.has_sub_properties() {
            let subs: Map<String, Value> = p
                .sub_properties()
                .map(|s| (s.name().to_owned(), json!(s.value())))
                .collect();
            Value::Object(subs)
        } else if !reveal && SECRET_KEYS.contains(&p.name()) {
            json!(MASK)
        } else {
            json!(p.value())
        };
        map.insert(p.name().to_owned(), value);
    }
    Value::Object(map)
}

pub(crate) fn profiles(args: &Args) -> Result<String, Failure> {
    let set = ProfileSet::load(&Env::process(), &Fs::real())?;
    let group = |it: &mut dyn Iterator<Item = &Section>| -> Map<String, Value> {
        it.map(|s| (s.name().to_owned(), section_json(s, args.reveal)))
            .collect()
    };
    let out = json!({
        "profiles": group(&mut set.profiles()),
        "sso_sessions": group(&mut set.sso_sessions()),
        "services": group(&mut set.all_services()),
    });
    if args.json {
        return Ok(to_json(&out));
    }
    let mut text = String::new();
    for (kind, prefix) in [
        ("profiles", "profile "),
        ("sso_sessions", "sso-session "),
        ("services", "services "),
    ] {
        for (name, props) in out[kind].as_object().into_iter().flatten() {
            let _ = writeln!(text, "[{prefix}{name}]");
            for (k, v) in props.as_object().into_iter().flatten() {
                match v {
                    Value::Object(subs) => {
                        let _ = writeln!(text, "{k} =");
                        for (sk, sv) in subs {
                            let _ = writeln!(text, "  {sk} = {}", sv.as_str().unwrap_or_default());
                        }
                    }
                    other => {
                        let _ = writeln!(text, "{k} = {}", other.as_str().unwrap_or_default());
                    }
                }
            }
            text.push('\n');
        }
    }
    for w in set.warnings() {
        let _ = writeln!(text, "warning: {w}");
    }
    Ok(text)
}

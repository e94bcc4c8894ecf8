//! Builds a session from sample files (no real `~/.aws` is read) and prints every resolved
//! setting with its origin, then the credentials source.
//!
//! ```text
//! cargo run -p session-core --example explain
//! ```

#![allow(clippy::print_stdout)] // printing is this example's job

use session_core::{Env, Session};

const CONFIG: &str = "\
[default]
region = us-west-2

[profile dev]
region = eu-central-1
retry_mode = adaptive
s3 =
  addressing_style = path
services = local-emulators

[services local-emulators]
s3 =
  endpoint_url = http://127.0.0.1:9000
";

const CREDENTIALS: &str = "\
[dev]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let session = Session::builder()
        .env(Env::from_vars([
            ("AWS_PROFILE", "dev"),
            ("AWS_MAX_ATTEMPTS", "5"),
        ]))
        .config_file_contents(CONFIG)
        .credentials_file_contents(CREDENTIALS)
        .build()?;

    print!("{}", session.explain());
    let s3 = session.settings().endpoint_url("S3");
    println!(
        "\nS3 endpoint: {}",
        s3.map_or("(from the endpoint rules)".to_owned(), |s| format!(
            "{} ({})",
            s.value(),
            s.origin()
        ))
    );
    // Debug output of credentials never shows the secret.
    println!("credentials: {:?}", session.local_credentials().await?);
    Ok(())
}

//! S3 for tests: fresh buckets on the `moto_server` of `TEST_S3_ENDPOINT`.

use anyhow::{Context, Result, bail};
use coach_app::config::Settings;
use secrecy::SecretString;

/// Creates a fresh bucket on the S3 server of `TEST_S3_ENDPOINT` (moto_server, started by the test
/// command) and points the settings at it.
pub async fn use_fresh_s3_bucket(settings: &mut Settings) -> Result<String> {
    use coach_app::config::StorageBackend;
    let endpoint = std::env::var("TEST_S3_ENDPOINT")
        .context("TEST_S3_ENDPOINT is not set: run the README's test command (scripts/test.sh), which starts moto_server")?;
    let bucket = format!("cc-test-{}", uuid::Uuid::new_v4().simple());
    let response = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("creating bucket {bucket}: {}", response.status());
    }
    settings.storage.backend = StorageBackend::S3;
    settings.storage.s3.bucket = bucket.clone();
    settings.storage.s3.endpoint = Some(endpoint);
    settings.storage.s3.allow_http = true;
    settings.storage.s3.access_key_id = Some(SecretString::from("test-access-key"));
    settings.storage.s3.secret_access_key = Some(SecretString::from("test-secret-key"));
    Ok(bucket)
}

/// Lists the keys in a bucket of the test S3 server.
pub async fn list_s3_keys(bucket: &str) -> Result<Vec<String>> {
    let endpoint = std::env::var("TEST_S3_ENDPOINT")?;
    let body = reqwest::get(format!("{endpoint}/{bucket}?list-type=2"))
        .await?
        .text()
        .await?;
    Ok(body
        .split("<Key>")
        .skip(1)
        .filter_map(|part| part.split("</Key>").next().map(str::to_owned))
        .collect())
}

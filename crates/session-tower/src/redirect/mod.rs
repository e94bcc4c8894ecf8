//! S3 region redirects: a bucket lives in one region, and S3 answers a request sent to
//! another with `301 PermanentRedirect`, `307 TemporaryRedirect` or `400
//! AuthorizationHeaderMalformed`, naming the bucket's region in `x-amz-bucket-region` (or
//! a `<Region>` in the error body).
//!
//! For operations that ask for it ([`OperationMeta::region_redirects`], which the S3
//! operations set) and name a bucket, when the endpoint comes from the rules (no configured
//! `endpoint_url`), the retry loop resends the request once to the bucket's region: the
//! endpoint is resolved again with `Region` set to it, so the request is signed for it too.
//! The region is remembered per client ([`BucketRegions`]) and the next operation on the
//! bucket goes there directly, as boto3 does. The resend is no retry: it spends no retry
//! quota and no attempt of the retry budget. With a configured `endpoint_url` there is no
//! other endpoint to go to: the error is returned, its text naming the bucket's region.
//!
//! A redirect that names no region (neither header nor body) is asked about, as boto3
//! does: one `HeadBucket` (`HEAD /` at the bucket's endpoint) is sent, and the region its
//! answer names in `x-amz-bucket-region` (S3 sends it on a success and on a 301 or 403
//! alike) is followed. If it names none, the redirect is returned as it came.
//!
//! [`OperationMeta::region_redirects`]: crate::client::OperationMeta::region_redirects

mod cache;

use std::sync::Arc;

use http::Response;
use session_endpoints::ParamValue;

pub(crate) use cache::BucketRegions;

use crate::body::SdkBody;
use crate::client::OperationMeta;
use crate::endpoint::{EndpointParams, EndpointResolver, ResolvedEndpoint};
use crate::error::{Error, ServiceError};

/// Marks a request whose operation follows S3 region redirects (what
/// [`OperationMeta::region_redirects`] says, carried in extensions past user layers).
///
/// [`OperationMeta::region_redirects`]: crate::client::OperationMeta::region_redirects
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegionRedirects;

/// The header in which S3 names a bucket's region.
const BUCKET_REGION: &str = "x-amz-bucket-region";

/// Whether `error` is S3 saying the bucket is in another region: a redirect status (301,
/// 302, 307) or `PermanentRedirect` / `TemporaryRedirect`; `AuthorizationHeaderMalformed`
/// (signed for the wrong region); or a bodiless 400 (a `HEAD`'s).
fn is_redirect(error: &ServiceError) -> bool {
    let code = error.code().unwrap_or_default();
    matches!(error.status(), 301 | 302 | 307)
        || matches!(
            code,
            "PermanentRedirect" | "TemporaryRedirect" | "AuthorizationHeaderMalformed"
        )
        // A HEAD has no error body: botocore takes its bodiless 400 for a redirect too.
        || (error.status() == 400 && error.body().is_empty())
}

/// The region a response's `x-amz-bucket-region` names.
fn region_header(headers: &http::HeaderMap) -> Option<Arc<str>> {
    headers
        .get(BUCKET_REGION)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(Arc::from)
}

/// The one decision: whether `error` is S3 saying the bucket is in another region (see
/// [`is_redirect`]), and which. The region comes from `x-amz-bucket-region`, else the
/// body's `<Region>`; without either nothing is known.
pub(crate) fn bucket_region(error: &ServiceError) -> Option<Arc<str>> {
    if !is_redirect(error) {
        return None;
    }
    region_header(error.headers()).or_else(|| {
        crate::protocol::xml::first_text(error.body(), "Region")
            .filter(|r| !r.trim().is_empty())
            .map(|r| Arc::from(r.trim()))
    })
}

/// One operation's redirect state. With a configured endpoint URL there is nowhere to
/// follow a redirect to, and the state is only where to note the bucket's region in the
/// error (nothing allocated); with the endpoint from the rules, what following needs.
pub(crate) struct Redirect<'a> {
    regions: &'a BucketRegions,
    resolver: &'a EndpointResolver,
    /// `None`: not followable (a configured endpoint URL).
    follow: Option<Box<Following>>,
}

/// What following a redirect needs: the bucket, the parameters to resolve again, and the
/// endpoint in the bucket's region once known (remembered or redirected to).
struct Following {
    bucket: Box<str>,
    /// The operation's endpoint parameters, to resolve again with another `Region`.
    params: EndpointParams,
    /// The region requests are sent to now (the client's, a remembered one, the redirect's).
    region: Option<Arc<str>>,
    /// The endpoint in `region`, when it is not the client's.
    endpoint: Option<Arc<ResolvedEndpoint>>,
    /// A redirect was followed (once per operation).
    followed: bool,
    /// The bucket's region was asked with a `HeadBucket` (once per operation).
    asked: bool,
}

/// What to do after an attempt's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Followed {
    /// Nothing: the answer is no redirect, or one that cannot be followed.
    No,
    /// Send the request again at once, to the bucket's region.
    Resend,
    /// A redirect that names no region: ask with [`head_bucket`], then
    /// [`Redirect::answered`].
    Ask,
}

/// The `HeadBucket` that asks a bucket's region (`HEAD /` at the bucket's endpoint).
pub(crate) fn head_bucket() -> http::Request<SdkBody> {
    let mut req = http::Request::new(SdkBody::empty());
    *req.method_mut() = http::Method::HEAD;
    *req.uri_mut() = http::Uri::from_static("/");
    req
}

impl<'a> Redirect<'a> {
    /// The redirect state of an operation that asks for it and names a bucket (not an ARN,
    /// whose region is its own); `None` for every other. Only a followable one allocates
    /// (boxed: the retry loop's future stays small).
    pub(crate) fn start(
        regions: &'a BucketRegions,
        resolver: &'a EndpointResolver,
        meta: &OperationMeta,
    ) -> Option<Self> {
        if !meta.region_redirects {
            return None;
        }
        let params = meta.endpoint_params.as_ref()?;
        let bucket = params.string("Bucket").filter(|b| !b.starts_with("arn:"))?;
        let base = resolver.base_params();
        let follow = base.get("Endpoint").is_none().then(|| {
            let mut follow = Box::new(Following {
                bucket: bucket.into(),
                params: params.clone(),
                region: base
                    .get("Region")
                    .and_then(ParamValue::as_str)
                    .map(Arc::from),
                endpoint: None,
                followed: false,
                asked: false,
            });
            if let Some(region) = regions.get(bucket) {
                // A remembered region that no longer resolves is ignored, not an error.
                let _ = follow.point_at(resolver, region);
            }
            follow
        });
        Some(Self {
            regions,
            resolver,
            follow,
        })
    }

    /// The endpoint in the bucket's region, when it is known and not the client's.
    pub(crate) fn endpoint(&self) -> Option<&ResolvedEndpoint> {
        self.follow.as_ref()?.endpoint.as_deref()
    }

    /// After an attempt: whether to send the request again at once, to the bucket's region
    /// ([`Redirect::endpoint`] now points there), or to ask the region first. `can_resend`:
    /// the request can be sent again (its body replays). A redirect not followed has the
    /// bucket's region, when known, added to its error's text.
    pub(crate) fn follow(
        &mut self,
        result: &mut Result<Response<SdkBody>, Error>,
        can_resend: bool,
    ) -> Followed {
        let Some(error) = result.as_mut().err().and_then(Error::service_error_mut) else {
            return Followed::No;
        };
        if !is_redirect(error) {
            return Followed::No;
        }
        match bucket_region(error) {
            Some(region) => self.to(error, region, can_resend),
            None => match self.follow.as_mut() {
                Some(f) if can_resend && !f.followed && !f.asked => {
                    f.asked = true;
                    Followed::Ask
                }
                _ => Followed::No,
            },
        }
    }

    /// After the `HeadBucket` that [`Followed::Ask`] asked for: the region its `answer`
    /// names is followed as if the redirect in `result` had named it.
    pub(crate) fn answered(
        &mut self,
        answer: &Result<Response<SdkBody>, Error>,
        result: &mut Result<Response<SdkBody>, Error>,
        can_resend: bool,
    ) -> bool {
        let region = match answer {
            Ok(resp) => region_header(resp.headers()),
            Err(e) => e.service_error().and_then(|s| region_header(s.headers())),
        };
        let Some(region) = region else {
            tracing::debug!("HeadBucket named no region: the redirect is returned");
            return false;
        };
        let Some(error) = result.as_mut().err().and_then(Error::service_error_mut) else {
            return false;
        };
        self.to(error, region, can_resend) == Followed::Resend
    }

    /// Follows a redirect to `region` when it can be, else notes the region in `error`.
    fn to(&mut self, error: &mut ServiceError, region: Arc<str>, can_resend: bool) -> Followed {
        if let Some(follow) = self.follow.as_mut() {
            let elsewhere = follow.region.as_deref() != Some(&*region);
            if !follow.followed && can_resend && elsewhere {
                match follow.point_at(self.resolver, region.clone()) {
                    Ok(()) => {
                        tracing::debug!(bucket = &*follow.bucket, %region, "following an S3 region redirect");
                        follow.followed = true;
                        self.regions.insert(&follow.bucket, region);
                        return Followed::Resend;
                    }
                    Err(e) => {
                        tracing::debug!(%region, error = %e, "the bucket's region does not resolve")
                    }
                }
            }
        }
        error.note = Some(format!("the bucket is in region {region}"));
        Followed::No
    }
}

impl Following {
    /// Points the operation at `region`'s endpoint.
    fn point_at(&mut self, resolver: &EndpointResolver, region: Arc<str>) -> Result<(), Error> {
        let params = self.params.with_region(&region);
        self.endpoint = Some(resolver.shared(&params)?);
        self.region = Some(region);
        Ok(())
    }
}

#[cfg(test)]
mod tests;

//! A stand-in HTTP client for unit tests of response handling: every request gets the same
//! canned answer. It is not a server and never touches the network; plug it in with
//! [`ClientBuilder::http_client`](session_tower::ClientBuilder::http_client).

use std::future::Ready;
use std::task::{Context, Poll};

use http::{HeaderValue, Request, Response, StatusCode};
use session_tower::{Error, SdkBody};

/// Answers every request with one status, content type and body.
#[derive(Debug, Clone)]
pub struct CannedHttp {
    status: StatusCode,
    content_type: &'static str,
    body: &'static str,
}

impl CannedHttp {
    /// `200` with `body` of `content_type`.
    pub fn ok(content_type: &'static str, body: &'static str) -> Self {
        Self {
            status: StatusCode::OK,
            content_type,
            body,
        }
    }
}

impl tower_service::Service<Request<SdkBody>> for CannedHttp {
    type Response = Response<SdkBody>;
    type Error = Error;
    type Future = Ready<Result<Response<SdkBody>, Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<SdkBody>) -> Self::Future {
        let mut resp = Response::new(SdkBody::from(self.body));
        *resp.status_mut() = self.status;
        resp.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        std::future::ready(Ok(resp))
    }
}

//! Interactive documentation: Swagger UI from the `utoipa-swagger-ui` package (its
//! assets are vendored in the crate, so nothing is fetched from a CDN), and the OpenAPI
//! document it shows.

use actix_web::{HttpResponse, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

/// The OpenAPI document as served: serialised once at start and shared by every worker
/// (each worker holding the document itself, and serialising it for every request, kept
/// megabytes resident per worker).
#[derive(Clone)]
pub struct Document(web::Bytes);

impl Document {
    pub fn new(document: &utoipa::openapi::OpenApi) -> Result<Self, serde_json::Error> {
        serde_json::to_vec(document).map(|json| Document(json.into()))
    }
}

/// Swagger UI at `/docs/`, showing the document at [`DOCUMENT_PATH`], with its online
/// validator off (it would send the document's address to swagger.io).
pub fn swagger() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").config(Config::from(DOCUMENT_PATH).validator_url("none"))
}

/// What the docs pages may load: only this server's own scripts, styles, images and
/// the document; they may not be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Sends [`CONTENT_SECURITY_POLICY`] with every docs page.
pub async fn content_security(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/docs");
    let mut res = next.call(req).await?;
    if docs {
        res.headers_mut().insert(
            actix_web::http::header::CONTENT_SECURITY_POLICY,
            actix_web::http::header::HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    Ok(res)
}

/// `GET /api/v1/openapi.json`.
pub async fn document(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}

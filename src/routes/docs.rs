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

/// Swagger UI at `/docs/`, showing the document at [`DOCUMENT_PATH`].
pub fn swagger() -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").config(Config::from(DOCUMENT_PATH))
}

/// `GET /api/v1/openapi.json`.
pub async fn document(document: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}

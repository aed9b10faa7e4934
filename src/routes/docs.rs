//! Interactive documentation: Swagger UI from the `utoipa-swagger-ui` package (its
//! assets are vendored in the crate, so nothing is fetched from a CDN).

use utoipa_swagger_ui::SwaggerUi;

/// Swagger UI at `/docs/`, and the document itself at `/api/v1/openapi.json`.
pub fn swagger(document: utoipa::openapi::OpenApi) -> SwaggerUi {
    SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", document)
}

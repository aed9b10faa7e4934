//! Registering a part's routes, with a 405 naming the methods a path has.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::{HttpResponse, Route, web};

use super::operations::names;
use super::{Lines, Part};
use crate::error::ApiError;

/// A part's six routes, each with its handler (see `part_operations!`).
pub struct Routes {
    pub list: Route,
    pub create: Route,
    pub get: Route,
    pub replace: Route,
    pub update: Route,
    pub delete: Route,
}

/// Registers a part's collection and item resources. A fixed part (the roadmap) has no
/// create or delete; any method a resource lacks is a 405 with `Allow`.
pub fn register<P: Part>(config: &mut AppService, routes: Routes) {
    let mut collection = web::resource(names::collection_path::<P>()).route(routes.list);
    let mut item = web::resource(names::item_path::<P>())
        .route(routes.get)
        .route(routes.replace)
        .route(routes.update);
    if !P::FIXED {
        collection = collection.route(routes.create);
        item = item.route(routes.delete);
    }
    // Any other method: 405 with the methods this resource has (RFC 9110 15.5.6).
    let refuse = |methods: &[&str]| {
        let allowed: Vec<String> = methods.iter().map(ToString::to_string).collect();
        web::to(move || {
            let allowed = allowed.clone();
            async move { Err::<HttpResponse, ApiError>(ApiError::MethodNotAllowed { allowed }) }
        })
    };
    let (collection_methods, item_methods): (&[&str], &[&str]) = if <P as Lines>::FIXED {
        (&["GET"], &["GET", "PATCH", "PUT"])
    } else {
        (&["GET", "POST"], &["DELETE", "GET", "PATCH", "PUT"])
    };
    collection
        .default_service(refuse(collection_methods))
        .register(config);
    item.default_service(refuse(item_methods)).register(config);
}

//! Registering a part's routes, with a 405 naming the methods a path has.

use super::*;

/// Registers a part's routes and documents them.
pub struct PartService<P>(PhantomData<P>);

impl<P: Part> PartService<P> {
    pub fn new() -> Self {
        PartService(PhantomData)
    }

    pub(super) fn collection_path() -> String {
        match P::Scope::PARENT {
            Parent::Project => format!("/projects/{{project_id}}/{}", P::SEGMENT),
            Parent::Organisation => format!("/{}", P::SEGMENT),
        }
    }

    pub(super) fn item_path() -> String {
        format!("{}/{{{}}}", Self::collection_path(), P::ID_PARAM)
    }
}

impl<P: Part> Default for PartService<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Part> HttpServiceFactory for PartService<P> {
    fn register(self, config: &mut AppService) {
        let mut collection = web::resource(Self::collection_path()).route(web::get().to(list::<P>));
        let mut item = web::resource(Self::item_path())
            .route(web::get().to(get::<P>))
            .route(web::put().to(replace::<P>))
            .route(web::patch().to(patch::<P>));
        if !P::FIXED {
            collection = collection.route(web::post().to(create::<P>));
            item = item.route(web::delete().to(delete::<P>));
        }
        // Any other method: 405 with the methods this resource has (RFC 9110 15.5.6).
        let refuse = |methods: &[&str]| {
            let allowed: Vec<String> = methods.iter().map(ToString::to_string).collect();
            web::to(move || {
                let allowed = allowed.clone();
                async move { Err::<HttpResponse, ApiError>(ApiError::MethodNotAllowed { allowed }) }
            })
        };
        let (collection_methods, item_methods): (&[&str], &[&str]) = if P::FIXED {
            (&["GET"], &["GET", "PATCH", "PUT"])
        } else {
            (&["GET", "POST"], &["DELETE", "GET", "PATCH", "PUT"])
        };
        collection
            .default_service(refuse(collection_methods))
            .register(config);
        item.default_service(refuse(item_methods)).register(config);
    }
}

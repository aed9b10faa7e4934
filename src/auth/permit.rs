//! The permission a handler needs, in its signature: `principal: Allowed<WritePlans>`
//! authenticates the caller and refuses (403) a role without that permission, or an API
//! token without the permission's scope, before the handler runs, so a handler cannot
//! forget the check and a reader sees it at once.

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest};

use super::Principal;
use crate::domain::Permission;
use crate::error::ApiError;

/// A permission as a type, for [`Allowed`].
pub trait Requirement: 'static {
    const PERMISSION: Permission;
}

macro_rules! requirements {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl Requirement for $name {
            const PERMISSION: Permission = Permission::$name;
        }
    )+};
}

requirements!(
    /// See the organisation's settings.
    ReadOrganisation,
    /// Change the organisation's settings.
    ManageOrganisation,
    ManageUsers,
    ManageApiTokens,
    /// Read projects and their plans.
    ReadPlans,
    ReadRegisters,
    ReadPlanHistory,
    /// Write projects, their plans and the registers.
    WritePlans,
    /// Read quarterly reports, their history and progress.
    ReadReports,
    /// Write draft quarterly reports and their figures.
    WriteReports,
    /// Submit quarterly reports.
    SubmitReports,
    /// Download figures.
    ReadExports,
    /// Accept, return and reopen quarterly reports.
    ReviewReports,
    /// Reopen a returned or accepted report.
    ReopenReports,
    ManageFunderLinks,
    DeleteProjects,
    ReadAudit,
);

/// An authenticated caller whose role allows `R`.
pub struct Allowed<R: Requirement> {
    principal: Principal,
    _requirement: PhantomData<R>,
}

impl<R: Requirement> Allowed<R> {
    pub fn into_inner(self) -> Principal {
        self.principal
    }
}

impl<R: Requirement> Deref for Allowed<R> {
    type Target = Principal;

    fn deref(&self) -> &Principal {
        &self.principal
    }
}

impl<R: Requirement> FromRequest for Allowed<R> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            let principal = principal.await?;
            principal.require(R::PERMISSION)?;
            Ok(Allowed {
                principal,
                _requirement: PhantomData,
            })
        })
    }
}

/// A request body read only once the caller is known to be allowed `R`:
/// `Permitted(principal, Json(input)): Permitted<WritePlans, Json<ProjectRequest>>`.
/// actix polls a handler's extractors together, so with `Allowed<R>` and `Json<T>` side
/// by side a body that cannot be parsed could answer 422 (describing the schema) before
/// a caller who may not write learns that it may not (403). This reads the body after.
pub struct Permitted<R: Requirement, B>(pub Allowed<R>, pub B);

impl<R, B> FromRequest for Permitted<R, B>
where
    R: Requirement,
    B: FromRequest + 'static,
    B::Future: 'static,
    ApiError: From<B::Error>,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let allowed = Allowed::<R>::from_request(req, &mut actix_web::dev::Payload::None);
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let allowed = allowed.await?;
            let body = B::from_request(&req, &mut payload).await?;
            Ok(Permitted(allowed, body))
        })
    }
}

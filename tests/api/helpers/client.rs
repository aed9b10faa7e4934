//! What a test does as a client: sign in organisations and users, send requests.

use mantelmonitor::cli::{InitArgs, InitFunderArgs, InitResult, init, init_funder};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

use super::{PASSWORD, TestApp, etag_of};

/// An organisation with a signed-in admin.
pub struct Tenant {
    pub organisation_id: String,
    pub admin_id: String,
    pub admin_email: String,
    pub token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// PATCH/PUT with `If-Match: <etag>`.
    pub async fn send_if_match(
        &self,
        method: Method,
        path: &str,
        token: &str,
        etag: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut builder = self
            .request(method, path, Some(token))
            .header("If-Match", etag);
        if let Some(body) = body {
            builder = builder.json(body);
        }
        builder.send().await.expect("request")
    }

    /// Creates an organisation and admin through the same code as `mantelmonitor init`, then signs in.
    pub async fn tenant(&self, name: &str) -> Tenant {
        let email = format!(
            "admin-{}@{}.example",
            uuid::Uuid::new_v4().simple(),
            name.to_lowercase().replace(' ', "-")
        );
        let created: InitResult = init(
            &self.system,
            InitArgs {
                organisation: name.into(),
                admin_email: email.clone(),
                admin_password: Some(PASSWORD.into()),
                json: true,
            },
        )
        .await
        .expect("init organisation");
        let token = self.login(&email, PASSWORD).await;
        Tenant {
            organisation_id: created.organisation_id.to_string(),
            admin_id: created.user_id.to_string(),
            admin_email: email,
            token,
        }
    }

    /// A funder account made with `init-funder`, signed in as its admin, and its funder
    /// code.
    pub async fn funder_account(&self, name: &str) -> (Tenant, String) {
        let email = format!(
            "funder-{}@{}.example",
            uuid::Uuid::new_v4().simple(),
            name.to_lowercase().replace(' ', "-")
        );
        let created = init_funder(
            &self.system,
            InitFunderArgs {
                name: name.into(),
                admin_email: email.clone(),
                admin_password: Some(PASSWORD.into()),
                json: true,
            },
        )
        .await
        .expect("init funder account");
        let token = self.login(&email, PASSWORD).await;
        (
            Tenant {
                organisation_id: created.funder_account_id.to_string(),
                admin_id: created.user_id.to_string(),
                admin_email: email,
                token,
            },
            created.funder_code,
        )
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .request(Method::POST, "/api/v1/auth/token", None)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "login failed for {email}"
        );
        let body: Value = response.json().await.expect("token json");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// Creates a user with `role` in the tenant and returns (id, token).
    pub async fn user_with_role(&self, tenant: &Tenant, role: &str) -> (String, String) {
        let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple());
        let response = self
            .post(
                "/api/v1/users",
                &tenant.token,
                &json!({"email": email, "name": role, "role": role, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        (
            body["id"].as_str().unwrap().to_string(),
            self.login(&email, PASSWORD).await,
        )
    }

    /// Creates a project and returns its JSON and ETag.
    pub async fn project(&self, token: &str, body: &Value) -> (Value, String) {
        let response = self.post("/api/v1/projects", token, body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "create project");
        let etag = etag_of(&response);
        (response.json().await.unwrap(), etag)
    }
}

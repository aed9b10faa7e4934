//! The organisation's partner register (*netwerk*), shared by its projects. Contact
//! persons are personal data: they are optional, removed by leaving them out, and never
//! copied into the plan's history.

use chrono::{DateTime, Utc};
use diesel::{
    AsChangeset, BoolExpressionMethods, ExpressionMethods, Insertable, QueryDsl, Queryable,
    Selectable,
};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Lines;
use crate::domain::plan::PartnerCategory;
use crate::domain::validation::Errors;
use crate::domain::validation::FieldError;
use crate::domain::{Email, OrganisationId, PartnerId, text};
use crate::error::{StoreError, StoreResult};
use crate::json::{JsonDoc, JsonList};
use crate::schema::{partners, project_partners};
use crate::scope::OrgScope;

/// A named contact person at a partner organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// 1 to 200 characters.
    #[schema(
        example = "Fatma Yılmaz",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    /// At most 200 characters.
    #[schema(example = "Key person, Turkish women's group", max_length = 200)]
    pub role: Option<String>,
    /// An email address; blank is none.
    #[schema(
        example = "f.yilmaz@example.org",
        max_length = 254,
        pattern = r"^\s*([^\s@\u0000-\u001f\u007f-\u009f]{1,64}@[^\s@.\u0000-\u001f\u007f-\u009f]([^\s@\u0000-\u001f\u007f-\u009f]*\.)+[^\s@.\u0000-\u001f\u007f-\u009f])?\s*$"
    )]
    pub email: Option<String>,
    /// At most 40 characters.
    #[schema(
        example = "+31 6 12345678",
        max_length = 40,
        pattern = r"^\s*[0-9 +().-]*\s*$"
    )]
    pub phone: Option<String>,
}

/// A partner organisation.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = partners, check_for_backend(diesel::pg::Pg))]
pub struct Partner {
    #[schema(value_type = Uuid)]
    pub id: PartnerId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    #[schema(example = "Moskee Ulu Camii")]
    pub name: String,
    pub category: PartnerCategory,
    pub notes: Option<String>,
    #[schema(value_type = Vec<Contact>)]
    pub contacts: JsonList<Contact>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A partner as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// Unique in the organisation; 1 to 200 characters.
    #[schema(
        example = "Moskee Ulu Camii",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    pub category: PartnerCategory,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// At most 20; leave one out to delete it.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = partners, treat_none_as_null = true)]
pub struct PartnerFields {
    name: String,
    category: PartnerCategory,
    notes: Option<String>,
    contacts: JsonList<Contact>,
}

pub fn validate(input: PartnerInput) -> StoreResult<PartnerFields> {
    let mut errors = Errors::default();
    let name = errors.check("/name", text::bounded(&input.name, 1, 200));
    let notes = errors.optional_text("/notes", input.notes, 4000);
    let contacts = valid_contacts(&mut errors, input.contacts);
    errors.finish()?;
    Ok(PartnerFields {
        name: name.unwrap_or_default(),
        category: input.category,
        notes,
        contacts: JsonDoc(contacts),
    })
}

/// The contact persons of a register entry (a partner, a funder): at most 20, each with
/// a name, and an email address and phone number that are what they say.
pub fn valid_contacts(errors: &mut Errors, contacts_in: Vec<Contact>) -> Vec<Contact> {
    if contacts_in.len() > 20 {
        errors.push(FieldError::body(
            "/contacts",
            "must list at most 20 contact persons",
        ));
    }
    let mut contacts = Vec::with_capacity(contacts_in.len());
    for (i, contact) in contacts_in.into_iter().enumerate() {
        let at = |field: &str| format!("/contacts/{i}/{field}");
        let name = errors.check(&at("name"), text::bounded(&contact.name, 1, 200));
        let role = errors.optional_text(&at("role"), contact.role, 200);
        let email = contact
            .email
            .filter(|e| !e.trim().is_empty())
            .and_then(|e| errors.check(&at("email"), Email::parse(&e)))
            .map(Email::into_string);
        let phone = errors.optional_text(&at("phone"), contact.phone, 40);
        if let Some(phone) = &phone
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            errors.push(FieldError::body(
                at("phone"),
                "may hold only digits, spaces and + - ( ) .",
            ));
        }
        contacts.push(Contact {
            name: name.unwrap_or_default(),
            role,
            email,
            phone,
        });
    }
    contacts
}

super::register_queries!(partners, Partner, PartnerId);

pub struct Partners;

impl Lines for Partners {
    const NOUN: &'static str = "partner";
    type Scope = OrgScope;

    type Key = PartnerId;
    type Input = PartnerInput;
    type Output = Partner;
    type Valid = PartnerFields;

    super::register_queries!(partners, Partner, PartnerFields, PartnerId, methods);
    fn input_of(item: Partner) -> PartnerInput {
        PartnerInput {
            name: item.name,
            category: item.category,
            notes: item.notes,
            contacts: item.contacts.0,
        }
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        _scope: &'c OrgScope,
        _current: Option<&'c Partner>,
        input: PartnerInput,
    ) -> StoreResult<PartnerFields> {
        validate(input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c OrgScope,
        current: &'c Partner,
    ) -> StoreResult<()> {
        let links: Vec<Uuid> = project_partners::table
            .filter(project_partners::organisation_id.eq(scope.org))
            .filter(project_partners::partner_id.eq(current.id))
            .select(project_partners::project_id)
            .load(conn)
            .await?;
        if !links.is_empty() {
            return Err(StoreError::referenced(Self::NOUN, "projects", &links));
        }
        diesel::delete(
            partners::table.filter(
                partners::organisation_id
                    .eq(scope.org)
                    .and(partners::id.eq(current.id)),
            ),
        )
        .execute(conn)
        .await?;
        Ok(())
    }
}

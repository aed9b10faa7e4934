//! The organisation's funder register (*financiers*), shared by its projects: the
//! municipalities, funds and others its fund applications go to. A name is the same
//! funder whatever its case and spacing, so that totals per funder add up.

use chrono::{DateTime, Utc};
use diesel::{
    AsChangeset, BoolExpressionMethods, ExpressionMethods, Insertable, QueryDsl, Queryable,
    Selectable, SelectableHelper,
};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Lines;
use super::partners::{Contact, valid_contacts};
use crate::domain::plan::FunderKind;
use crate::domain::validation::{Errors, FieldError};
use crate::domain::{FundApplicationId, FunderId, OrganisationId, text};
use crate::error::{StoreError, StoreResult};
use crate::json::{JsonDoc, JsonList};
use crate::schema::{fund_applications, funders};
use crate::scope::OrgScope;

/// A funder of the organisation's projects.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = funders, check_for_backend(diesel::pg::Pg))]
pub struct Funder {
    #[schema(value_type = Uuid)]
    pub id: FunderId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    #[schema(example = "Gemeente Utrecht")]
    pub name: String,
    pub kind: FunderKind,
    #[schema(example = "30280353")]
    pub kvk_number: Option<String>,
    #[schema(example = "GM0344")]
    pub municipality_code: Option<String>,
    pub reference: Option<String>,
    pub notes: Option<String>,
    #[schema(value_type = Vec<Contact>)]
    pub contacts: JsonList<Contact>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A funder as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Gemeente Utrecht", "kind": "municipality", "kvk_number": "30280353",
    "municipality_code": "GM0344", "reference": "Subsidie mantelzorg 2026"
}))]
pub struct FunderInput {
    /// Unique in the organisation, whatever its case and spacing (runs of spaces are
    /// stored as one); 1 to 200 characters.
    #[schema(
        example = "Gemeente Utrecht",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    pub kind: FunderKind,
    /// The Chamber of Commerce number (*KvK-nummer*): eight digits.
    #[schema(example = "30280353", pattern = r"^[0-9]{8}$")]
    pub kvk_number: Option<String>,
    /// The CBS municipality code (*gemeentecode*): `GM` and four digits. Only for a
    /// municipality.
    #[schema(example = "GM0344", pattern = r"^GM[0-9]{4}$")]
    pub municipality_code: Option<String>,
    /// The organisation's own reference for the funder, e.g. a relation number; at
    /// most 200 characters.
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// Contact persons at the funder; at most 20, leave one out to delete it.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = funders, treat_none_as_null = true)]
pub struct FunderFields {
    name: String,
    kind: FunderKind,
    kvk_number: Option<String>,
    municipality_code: Option<String>,
    reference: Option<String>,
    notes: Option<String>,
    contacts: JsonList<Contact>,
}

pub fn validate(input: FunderInput) -> StoreResult<FunderFields> {
    let mut errors = Errors::default();
    let name = errors.check("/name", text::single_spaced(&input.name, 1, 200));
    // Exactly as the schema says (a client's own validation and ours agree): no spaces,
    // capitals only, null rather than "" for none.
    let kvk_number = input.kvk_number;
    if let Some(number) = &kvk_number
        && !(number.len() == 8 && number.chars().all(|c| c.is_ascii_digit()))
    {
        errors.push(FieldError::body(
            "/kvk_number",
            "must be a KvK number of eight digits, e.g. 30280353, or null",
        ));
    }
    let municipality_code = input.municipality_code;
    if let Some(code) = &municipality_code {
        let digits = code.strip_prefix("GM").unwrap_or("");
        if !(digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit())) {
            errors.push(FieldError::body(
                "/municipality_code",
                "must be a CBS municipality code: GM and four digits, e.g. GM0344, or null",
            ));
        } else if input.kind != FunderKind::Municipality {
            errors.push(FieldError::body(
                "/municipality_code",
                "belongs only to a funder whose kind is municipality",
            ));
        }
    }
    let reference = errors.optional_text("/reference", input.reference, 200);
    let notes = errors.optional_text("/notes", input.notes, 4000);
    let contacts = valid_contacts(&mut errors, input.contacts);
    errors.finish()?;
    Ok(FunderFields {
        name: name.unwrap_or_default(),
        kind: input.kind,
        kvk_number,
        municipality_code,
        reference,
        notes,
        contacts: JsonDoc(contacts),
    })
}

super::register_queries!(funders, Funder, FunderId);

/// True when `id` is a funder of the organisation.
pub async fn exists(mut conn: &Conn, org: OrganisationId, id: FunderId) -> StoreResult<bool> {
    let conn = &mut conn;
    Ok(diesel::select(diesel::dsl::exists(
        funders::table
            .filter(funders::organisation_id.eq(org))
            .filter(funders::id.eq(id)),
    ))
    .get_result(conn)
    .await?)
}

/// The funder of the organisation whose name is `name`, whatever its case and spacing.
pub async fn find_by_name(
    conn: &mut Conn,
    org: OrganisationId,
    name: &str,
) -> StoreResult<Option<Funder>> {
    use crate::functions::app_name_key;
    use diesel::OptionalExtension;
    Ok(funders::table
        .filter(funders::organisation_id.eq(org))
        .filter(app_name_key(funders::name).eq(app_name_key(name)))
        .select(Funder::as_select())
        .first(conn)
        .await
        .optional()?)
}

pub struct Funders;

impl Lines for Funders {
    const NOUN: &'static str = "funder";
    type Scope = OrgScope;

    type Key = FunderId;
    type Input = FunderInput;
    type Output = Funder;
    type Valid = FunderFields;

    super::register_queries!(funders, Funder, FunderFields, FunderId, methods);
    fn input_of(item: Funder) -> FunderInput {
        FunderInput {
            name: item.name,
            kind: item.kind,
            kvk_number: item.kvk_number,
            municipality_code: item.municipality_code,
            reference: item.reference,
            notes: item.notes,
            contacts: item.contacts.0,
        }
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        _scope: &'c OrgScope,
        _current: Option<&'c Funder>,
        input: FunderInput,
    ) -> StoreResult<FunderFields> {
        validate(input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c OrgScope,
        current: &'c Funder,
    ) -> StoreResult<()> {
        // `current` is locked: an application written meanwhile waits for this
        // transaction, then finds the funder gone.
        let applications: Vec<FundApplicationId> = fund_applications::table
            .filter(fund_applications::organisation_id.eq(scope.org))
            .filter(fund_applications::funder_id.eq(current.id))
            .order(fund_applications::id)
            .select(fund_applications::id)
            .load(conn)
            .await?;
        if !applications.is_empty() {
            return Err(StoreError::referenced(
                Self::NOUN,
                "fund applications",
                &applications,
            ));
        }
        diesel::delete(
            funders::table.filter(
                funders::organisation_id
                    .eq(scope.org)
                    .and(funders::id.eq(current.id)),
            ),
        )
        .execute(conn)
        .await?;
        Ok(())
    }
}

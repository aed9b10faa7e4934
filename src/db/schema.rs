// Diesel table definitions, matching migrations/ (as `diesel print-schema` writes them).

diesel::table! {
    api_tokens (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        role -> Text,
        secret_hash -> Bytea,
        created_by -> Nullable<Uuid>,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
        version -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    organisations (id) {
        id -> Uuid,
        name -> Text,
        report_language -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    projects (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        summary -> Nullable<Text>,
        rationale -> Nullable<Text>,
        organisation_role -> Nullable<Text>,
        start_date -> Date,
        end_date -> Date,
        status -> Text,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        session_version -> Int4,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_tokens -> organisations (organisation_id));
diesel::joinable!(projects -> organisations (organisation_id));
diesel::joinable!(users -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(api_tokens, organisations, projects, users);

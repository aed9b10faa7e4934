// @generated automatically by Diesel CLI.

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
        scopes -> Nullable<Array<Text>>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        organisation_id -> Uuid,
        entity -> Text,
        entity_id -> Uuid,
        action -> Text,
        actor -> Nullable<Text>,
        at -> Timestamptz,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
    }
}

diesel::table! {
    budget_lines (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        category -> Text,
        description -> Text,
        amount -> Numeric,
        phases -> Jsonb,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    evaluation_moments (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        planned_on -> Date,
        subject -> Text,
        outcome_notes -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        uid -> Uuid,
        organisation_id -> Uuid,
        txid -> Int8,
        #[sql_name = "type"]
        type_ -> Text,
        subject -> Text,
        data -> Jsonb,
        occurred_at -> Timestamptz,
        once -> Nullable<Text>,
    }
}

diesel::table! {
    fund_application_budget_lines (fund_application_id, budget_line_id) {
        organisation_id -> Uuid,
        project_id -> Uuid,
        fund_application_id -> Uuid,
        budget_line_id -> Uuid,
    }
}

diesel::table! {
    fund_applications (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        programme -> Nullable<Text>,
        budget_line_ids -> Array<Uuid>,
        amount_requested -> Numeric,
        amount_granted -> Nullable<Numeric>,
        status -> Text,
        submitted_on -> Nullable<Date>,
        decided_on -> Nullable<Date>,
        grant_start -> Nullable<Date>,
        grant_end -> Nullable<Date>,
        reference -> Nullable<Text>,
        conditions -> Nullable<Text>,
        reporting_duties -> Jsonb,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        funder_id -> Uuid,
        report_reviewer -> Text,
    }
}

diesel::table! {
    funder_links (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        organisation_kind -> Text,
        funder_id -> Uuid,
        funder_account_id -> Uuid,
        funder_account_kind -> Text,
        state -> Text,
        requested_at -> Timestamptz,
        decided_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        ended_by -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    funders (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        kind -> Text,
        kvk_number -> Nullable<Text>,
        municipality_code -> Nullable<Text>,
        reference -> Nullable<Text>,
        notes -> Nullable<Text>,
        contacts -> Jsonb,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (organisation_id, key) {
        organisation_id -> Uuid,
        key -> Text,
        request_hash -> Bytea,
        status -> Int2,
        created_at -> Timestamptz,
        response_body -> Bytea,
    }
}

diesel::table! {
    identity_providers (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        issuer -> Text,
        audience -> Text,
        jwks_uri -> Nullable<Text>,
        user_claim -> Text,
        roles_claim -> Nullable<Text>,
        role_mapping -> Jsonb,
        default_role -> Nullable<Text>,
        create_users -> Bool,
        service_clients -> Bool,
        service_scopes -> Array<Text>,
        active -> Bool,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
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
        report_due_days -> Int4,
        kind -> Text,
        funder_code -> Nullable<Text>,
        allowed_origins -> Array<Text>,
    }
}

diesel::table! {
    partners (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        category -> Text,
        notes -> Nullable<Text>,
        contacts -> Jsonb,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    plan_changes (id) {
        id -> Int8,
        organisation_id -> Uuid,
        project_id -> Uuid,
        entity -> Text,
        entity_id -> Uuid,
        action -> Text,
        actor -> Nullable<Text>,
        changed_at -> Timestamptz,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
    }
}

diesel::table! {
    planned_hours (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        activity -> Text,
        quarter -> Date,
        hours -> Numeric,
        hourly_rate -> Numeric,
        notes -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    project_partner_levels (id) {
        id -> Int8,
        organisation_id -> Uuid,
        project_id -> Uuid,
        project_partner_id -> Uuid,
        level -> Int2,
        previous_level -> Nullable<Int2>,
        reached_on -> Date,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    project_partners (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        partner_id -> Uuid,
        functions -> Array<Text>,
        current_level -> Int2,
        desired_level -> Int2,
        level_since -> Date,
        notes -> Nullable<Text>,
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
    quarterly_report_events (id) {
        id -> Int8,
        organisation_id -> Uuid,
        project_id -> Uuid,
        report_id -> Uuid,
        revision -> Int4,
        action -> Text,
        from_state -> Nullable<Text>,
        to_state -> Text,
        actor -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamptz,
    }
}

diesel::table! {
    quarterly_report_revisions (report_id, revision) {
        organisation_id -> Uuid,
        project_id -> Uuid,
        report_id -> Uuid,
        revision -> Int4,
        state -> Text,
        content -> Jsonb,
        closed_at -> Timestamptz,
    }
}

diesel::table! {
    quarterly_reports (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        quarter -> Date,
        state -> Text,
        revision -> Int4,
        content -> Jsonb,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    roadmap_steps (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        step -> Int2,
        status -> Text,
        notes -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    target_groups (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        languages -> Array<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    targets (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        theme -> Text,
        quarter -> Nullable<Date>,
        target_group_id -> Nullable<Uuid>,
        ladder_level -> Nullable<Int2>,
        channel -> Nullable<Text>,
        language -> Nullable<Text>,
        activity -> Nullable<Text>,
        budget_line_id -> Nullable<Uuid>,
        category -> Nullable<Text>,
        planned -> Numeric,
        notes -> Nullable<Text>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    translation_costs (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        project_id -> Uuid,
        item -> Text,
        source_language -> Text,
        target_languages -> Array<Text>,
        unit -> Text,
        quantity -> Numeric,
        unit_price -> Numeric,
        total -> Numeric,
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
        identity_provider_id -> Nullable<Uuid>,
        external_subject -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Int8,
        organisation_id -> Uuid,
        delivery_id -> Int8,
        at -> Timestamptz,
        status_code -> Nullable<Int4>,
        error -> Nullable<Text>,
        duration_ms -> Int4,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        organisation_id -> Uuid,
        endpoint_id -> Uuid,
        event_id -> Int8,
        subject -> Text,
        state -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        url -> Text,
        description -> Nullable<Text>,
        events -> Array<Text>,
        active -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_until -> Nullable<Timestamptz>,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamptz>,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(api_tokens -> organisations (organisation_id));
diesel::joinable!(audit_events -> organisations (organisation_id));
diesel::joinable!(events -> organisations (organisation_id));
diesel::joinable!(funders -> organisations (organisation_id));
diesel::joinable!(idempotency_keys -> organisations (organisation_id));
diesel::joinable!(identity_providers -> organisations (organisation_id));
diesel::joinable!(partners -> organisations (organisation_id));
diesel::joinable!(plan_changes -> organisations (organisation_id));
diesel::joinable!(projects -> organisations (organisation_id));
diesel::joinable!(users -> organisations (organisation_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::joinable!(webhook_endpoints -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_tokens,
    audit_events,
    budget_lines,
    evaluation_moments,
    events,
    fund_application_budget_lines,
    fund_applications,
    funder_links,
    funders,
    idempotency_keys,
    identity_providers,
    organisations,
    partners,
    plan_changes,
    planned_hours,
    project_partner_levels,
    project_partners,
    projects,
    quarterly_report_events,
    quarterly_report_revisions,
    quarterly_reports,
    roadmap_steps,
    target_groups,
    targets,
    translation_costs,
    users,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
);

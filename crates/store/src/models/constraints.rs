//! Which request field a database constraint guards, so a violation that slips past
//! validation still names the field (and a race on a unique key answers 409, not 500).

/// `(JSON pointer, message)` for a constraint name, when it belongs to a request field.
pub fn describe(constraint: &str) -> Option<(&'static str, &'static str)> {
    Some(match constraint {
        "users_email_key" => ("/email", "a user with this email address already exists"),
        "users_email_length" => ("/email", "must be 3 to 254 characters"),
        "users_name_length" => ("/name", "must be at most 200 characters"),
        "users_role_known" | "api_tokens_role_known" => {
            ("/role", "must be admin, coordinator, reviewer or viewer")
        }
        "users_role_fits_account" | "api_tokens_role_fits_account" => (
            "/role",
            "is not a role of this kind of account: coordinator belongs to organisations, \
             reviewer to funder accounts",
        ),
        "organisations_name_length" => ("/name", "must be 1 to 200 characters"),
        "organisations_report_language_known" => ("/report_language", "must be nl or en"),
        "api_tokens_name_length" => ("/name", "must be 1 to 100 characters"),
        "identity_providers_issuer_unique" => (
            "/issuer",
            "is registered already: an issuer belongs to one account",
        ),
        "identity_providers_name_length" => ("/name", "must be 1 to 100 characters"),
        "projects_name_length" => ("/name", "must be 1 to 200 characters"),
        "projects_summary_length" => ("/summary", "must be at most 4000 characters"),
        "projects_rationale_length" => ("/rationale", "must be at most 20000 characters"),
        "projects_organisation_role_known" => (
            "/organisation_role",
            "must be direct_support, expertise_centre or advocacy",
        ),
        "projects_status_known" => ("/status", "must be draft, active, completed or cancelled"),
        "projects_period_order" => ("/end_date", "must not be before start_date"),
        "organisations_report_due_days_range" => ("/report_due_days", "must be between 0 and 366"),
        "quarterly_reports_quarter_key" => (
            "/quarter",
            "the project already has a report for this quarter; send If-Match to change it",
        ),
        "target_groups_name_key" => (
            "/name",
            "a target group with this name already exists in the project",
        ),
        "planned_hours_activity_quarter_key" => (
            "/quarter",
            "the project already plans hours for this activity in this quarter",
        ),
        "targets_subject_key" => (
            "/theme",
            "the project already has a target for this theme, subject and quarter",
        ),
        "partners_name_key" => (
            "/name",
            "a partner with this name already exists in the register",
        ),
        "funders_name_key" => (
            "/name",
            "a funder with this name already exists in the register",
        ),
        "funders_name_length" => ("/name", "must be 1 to 200 characters"),
        "funders_kind_known" => (
            "/kind",
            "must be municipality, fund, province, national_government, \
             health_insurer_or_care_office or other",
        ),
        "funders_kvk_number_format" => ("/kvk_number", "must be a KvK number of eight digits"),
        "funders_municipality_code_format" => (
            "/municipality_code",
            "must be a CBS municipality code: GM and four digits",
        ),
        "funders_reference_length" => ("/reference", "must be at most 200 characters"),
        "funders_notes_length" => ("/notes", "must be at most 4000 characters"),
        "funder_links_live_key" => (
            "/funder_id",
            "this funder already has a link that is requested or accepted; end that one first",
        ),
        "funder_links_live_account_key" => (
            "/funder_code",
            "the organisation already has a link to this funder account that is requested or \
             accepted",
        ),
        "funder_links_funder_fkey" => (
            "/funder_id",
            "is not a funder in the organisation's register",
        ),
        "fund_applications_funder_fkey" => (
            "/funder_id",
            "is not a funder in the organisation's register",
        ),
        "project_partners_partner_key" => (
            "/partner_id",
            "this partner is already linked to the project",
        ),
        "project_partners_partner_fkey" => (
            "/partner_id",
            "is not a partner in the organisation's register",
        ),
        "fund_application_budget_lines_budget_line_fkey" => (
            "/budget_line_ids",
            "names a budget line that is not in this project",
        ),
        "targets_target_group_fkey" => {
            ("/target_group_id", "is not a target group of this project")
        }
        "targets_budget_line_fkey" => ("/budget_line_id", "is not a budget line of this project"),
        _ => return None,
    })
}

DROP TRIGGER plan_change_record ON projects;
DROP TRIGGER roadmap_create_steps ON projects;
DROP TABLE plan_changes, project_partner_levels, project_partners, partners, roadmap_steps,
    evaluation_moments, targets, fund_application_budget_lines, fund_applications,
    translation_costs, budget_lines, planned_hours, target_groups;
DROP FUNCTION plan_change_record(), project_partner_level_record(), roadmap_create_steps(),
    fund_application_links_sync(), app_current_actor(), app_is_quarter(date), app_quarter_start(text);

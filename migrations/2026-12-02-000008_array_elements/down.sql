ALTER TABLE project_partners DROP CONSTRAINT project_partners_functions_no_gaps;
ALTER TABLE fund_applications DROP CONSTRAINT fund_applications_budget_lines_no_gaps;
ALTER TABLE translation_costs
    DROP CONSTRAINT translation_costs_targets_no_gaps,
    ALTER COLUMN total DROP NOT NULL;
ALTER TABLE target_groups DROP CONSTRAINT target_groups_languages_no_gaps;

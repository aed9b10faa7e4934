-- What the generated schema (crates/store/src/schema.rs) takes for granted, said by the
-- database itself: the lists the service stores never hold NULL elements, and a
-- translation cost always has its total (computed from columns that are NOT NULL).
ALTER TABLE target_groups
    ADD CONSTRAINT target_groups_languages_no_gaps CHECK (array_position(languages, NULL) IS NULL);
ALTER TABLE translation_costs
    ADD CONSTRAINT translation_costs_targets_no_gaps CHECK (array_position(target_languages, NULL) IS NULL),
    ALTER COLUMN total SET NOT NULL;
ALTER TABLE fund_applications
    ADD CONSTRAINT fund_applications_budget_lines_no_gaps CHECK (array_position(budget_line_ids, NULL) IS NULL);
ALTER TABLE project_partners
    ADD CONSTRAINT project_partners_functions_no_gaps CHECK (array_position(functions, NULL) IS NULL);

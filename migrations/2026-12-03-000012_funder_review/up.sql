-- Who reviews a project's quarterly reports. A fund application says it: the funder
-- (the default) or the organisation. Where an application whose funder reviews is
-- shared with a funder account (accepted link; submitted, granted or partially granted),
-- only that account's reviewers and admins accept or return the reports; the
-- organisation still reopens a returned one for correction. Otherwise the organisation
-- reviews, and the one who submitted a report does not accept it.
ALTER TABLE fund_applications ADD COLUMN report_reviewer text NOT NULL DEFAULT 'funder'
    CONSTRAINT fund_applications_report_reviewer_known CHECK (report_reviewer IN ('funder', 'organisation'));

-- The funder accounts that review project `project`'s reports.
CREATE FUNCTION app_reviewing_accounts(project uuid) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT DISTINCT l.funder_account_id
    FROM fund_applications AS a
    JOIN funder_links AS l ON l.organisation_id = a.organisation_id AND l.funder_id = a.funder_id
    WHERE a.project_id = project AND a.report_reviewer = 'funder' AND l.state = 'accepted'
        AND a.status IN ('submitted', 'granted', 'partially_granted')
    $$;

CREATE FUNCTION quarterly_report_review_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    account uuid := app_current_organisation();
    reviewers uuid[];
    submitter text;
BEGIN
    -- The owner (the CLI, migrations) is no reviewer and is not checked.
    IF account IS NULL OR NEW.state = OLD.state OR NEW.state NOT IN ('accepted', 'returned') THEN
        RETURN NEW;
    END IF;
    reviewers := ARRAY(SELECT app_reviewing_accounts(NEW.project_id));
    IF cardinality(reviewers) > 0 THEN
        IF NOT account = ANY (reviewers) THEN
            RAISE EXCEPTION 'the funder reviews the reports of this project'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_reviewed_by_funder';
        END IF;
    ELSIF account <> NEW.organisation_id THEN
        RAISE EXCEPTION 'the organisation reviews the reports of this project'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_reviewed_by_funder';
    ELSIF NEW.state = 'accepted' THEN
        SELECT actor INTO submitter FROM quarterly_report_events
        WHERE report_id = OLD.id AND action = 'submitted' ORDER BY id DESC LIMIT 1;
        IF submitter IS NOT DISTINCT FROM app_current_actor() THEN
            RAISE EXCEPTION 'the one who submitted a report does not accept it'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_four_eyes';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER quarterly_report_review_guard BEFORE UPDATE OF state ON quarterly_reports
    FOR EACH ROW EXECUTE FUNCTION quarterly_report_review_guard();

-- A reviewing funder account moves a submitted report to accepted or returned, nothing
-- else: the columns a move writes, the rows it reviews.
GRANT UPDATE (state, version, updated_at) ON quarterly_reports TO mantelmonitor_funder;
CREATE POLICY funder_review ON quarterly_reports FOR UPDATE TO mantelmonitor_funder
    USING (state = 'submitted' AND app_current_organisation() IN (SELECT app_reviewing_accounts(project_id)))
    WITH CHECK (state IN ('accepted', 'returned') AND app_current_organisation() IN (SELECT app_reviewing_accounts(project_id)));

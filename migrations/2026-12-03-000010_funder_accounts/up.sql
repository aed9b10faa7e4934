-- Funder accounts: a funder (a municipality, a fund) is a tenant of its own, a row of
-- `organisations` of kind `funder`, with its own users (admin, reviewer, viewer) who sign
-- in as everyone does. It holds no organisation's data; what organisations share with it
-- (by consent of both, in a later migration) it reads through a role of its own.
ALTER TABLE organisations
    ADD COLUMN kind text NOT NULL DEFAULT 'organisation'
        CONSTRAINT organisations_kind_known CHECK (kind IN ('organisation', 'funder')),
    -- What an organisation's admin types to link a register entry to this account:
    -- public, not a secret; four and four characters of Crockford's base 32.
    ADD COLUMN funder_code text
        CONSTRAINT organisations_funder_code_format CHECK (funder_code ~ '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
    ADD CONSTRAINT organisations_funder_code_for_funders CHECK ((kind = 'funder') = (funder_code IS NOT NULL));
CREATE UNIQUE INDEX organisations_funder_code_key ON organisations (funder_code);

ALTER TABLE users DROP CONSTRAINT users_role_known,
    ADD CONSTRAINT users_role_known CHECK (role IN ('admin', 'coordinator', 'reviewer', 'viewer'));
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_known,
    ADD CONSTRAINT api_tokens_role_known CHECK (role IN ('admin', 'coordinator', 'reviewer', 'viewer'));

-- A coordinator writes plans, which a funder account has none of; a reviewer reviews
-- for a funder. Each role belongs to one kind of account (admin and viewer to both).
CREATE FUNCTION app_role_fits_account() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    account_kind text;
BEGIN
    SELECT kind INTO account_kind FROM organisations WHERE id = NEW.organisation_id;
    IF (NEW.role = 'coordinator' AND account_kind = 'funder')
        OR (NEW.role = 'reviewer' AND account_kind = 'organisation') THEN
        RAISE EXCEPTION 'role % does not exist in an account of kind %', NEW.role, account_kind
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_role_fits_account';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER role_fits_account BEFORE INSERT OR UPDATE OF role ON users
    FOR EACH ROW EXECUTE FUNCTION app_role_fits_account();
CREATE TRIGGER role_fits_account BEFORE INSERT OR UPDATE OF role ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION app_role_fits_account();

-- Finding a caller says what kind of account it acts for.
GRANT SELECT (id, kind) ON organisations TO mantelmonitor_auth;
CREATE POLICY identify ON organisations FOR SELECT TO mantelmonitor_auth USING (true);

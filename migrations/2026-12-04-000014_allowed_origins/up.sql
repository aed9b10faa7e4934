-- The web origins an organisation's intranet pages call the API from (CORS). Written as
-- a browser sends them (the service checks each; see crates/domain/src/origin.rs).
ALTER TABLE organisations ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}'
    CONSTRAINT organisations_allowed_origins_count CHECK (cardinality(allowed_origins) <= 20)
    CONSTRAINT organisations_allowed_origins_no_gaps CHECK (array_position(allowed_origins, NULL) IS NULL);

-- Every organisation's origins together: a preflight carries no credentials, so the
-- service answers it for an origin any organisation allows (the token decides the rest).
-- A definer's function, because no request role reads other organisations.
CREATE FUNCTION app_allowed_origins() RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT DISTINCT unnest(allowed_origins) FROM organisations
    $$;

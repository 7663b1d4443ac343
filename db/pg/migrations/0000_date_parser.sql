-- The incident columns derived from a Seller's document hold its dates in one UTC form, as SQLite's strftime makes
-- them; a generated column needs an immutable function, and a date the Seller got wrong must give null, not refuse
-- the document. The SET clauses make the parse independent of the session's settings.
CREATE FUNCTION iso_utc(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET "TimeZone" = 'UTC'
SET "DateStyle" = 'ISO, YMD'
AS $$
BEGIN
  IF value IS NULL OR value !~ '^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*([Zz]|[+-]\d{2}:\d{2})?$' THEN
    RETURN NULL;
  END IF;
  RETURN to_char(date_trunc('milliseconds', value::timestamptz + interval '500 microseconds') AT TIME ZONE 'UTC',
    'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
EXCEPTION WHEN data_exception THEN
  RETURN NULL;
END
$$;

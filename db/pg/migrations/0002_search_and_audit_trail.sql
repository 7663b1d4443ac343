-- Ticket search (SQLite: the tickets_fts table): our id, the Seller's id and the description as words, kept by the
-- database itself. Separators become spaces first, as SQLite's tokenizer splits there (NOC-2026-000123 is found by
-- 000123; PostgreSQL's parser alone would keep -000123). Not in db/pg/schema.ts, so rows read through drizzle do
-- not carry it; `drizzle-kit push` would drop it (use the migrations).
ALTER TABLE "tickets" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  to_tsvector('simple'::regconfig,
    translate("external_id" || ' ' || coalesce("seller_ticket_id", '') || ' ' || "description", '-/.@:_', '      '))
) STORED;
--> statement-breakpoint
CREATE INDEX "tickets_search_idx" ON "tickets" USING gin ("search_vector");
--> statement-breakpoint
-- The audit trail is append-only. The one update let through is the foreign key setting user_id to null when a
-- user is deleted; entries younger than 30 days cannot be deleted (retention removes older ones).
CREATE FUNCTION audit_log_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.user_id IS NULL AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
    AND NEW.entity_type = OLD.entity_type AND NEW.entity_id = OLD.entity_id AND NEW.detail IS NOT DISTINCT FROM OLD.detail THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit entries cannot be changed';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_no_update();
--> statement-breakpoint
CREATE FUNCTION audit_log_keep_recent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.at > to_char((statement_timestamp() - interval '30 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') THEN
    RAISE EXCEPTION 'audit entries younger than 30 days cannot be deleted';
  END IF;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_keep_recent" BEFORE DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_keep_recent();
--> statement-breakpoint
-- TRUNCATE skips row triggers.
CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail cannot be truncated';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

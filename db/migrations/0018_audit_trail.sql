CREATE INDEX `audit_user_at_idx` ON `audit_log` (`user_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_action_at_idx` ON `audit_log` (`action`,`at`);--> statement-breakpoint
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
WHEN NOT (NEW.`user_id` IS NULL AND NEW.`id` = OLD.`id` AND NEW.`at` = OLD.`at` AND NEW.`actor` = OLD.`actor` AND NEW.`action` = OLD.`action`
  AND NEW.`entity_type` = OLD.`entity_type` AND NEW.`entity_id` = OLD.`entity_id` AND NEW.`detail` IS OLD.`detail`)
BEGIN
  SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;--> statement-breakpoint
CREATE TRIGGER `audit_log_keep_recent` BEFORE DELETE ON `audit_log`
WHEN OLD.`at` > strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')
BEGIN
  SELECT RAISE(ABORT, 'audit entries younger than 30 days cannot be deleted');
END;

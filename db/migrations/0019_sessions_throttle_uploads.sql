ALTER TABLE `login_attempts` ADD `last_failure_at` text;--> statement-breakpoint
CREATE INDEX `login_attempts_last_failure_idx` ON `login_attempts` (`last_failure_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `session_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `ticket_attachment_uploads_created_idx` ON `ticket_attachment_uploads` (`created_at`);
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`number` text NOT NULL,
	`number_extension` text,
	`email_address` text NOT NULL,
	`organization` text,
	`created_by_user_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `contacts_name_idx` ON `contacts` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_email_name_uq` ON `contacts` (`email_address`,`name`);--> statement-breakpoint
CREATE TABLE `ticket_attachment_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`mime_type` text NOT NULL,
	`size` integer NOT NULL,
	`content` blob NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ticket_attachment_uploads_user_idx` ON `ticket_attachment_uploads` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ticket_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`search` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_views_user_name_uq` ON `ticket_views` (`user_id`,`name`);--> statement-breakpoint
CREATE INDEX `tickets_created_by_idx` ON `tickets` (`created_by_user_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_sync_state_idx` ON `tickets` (`sync_state`,`updated_at`);--> statement-breakpoint
CREATE VIRTUAL TABLE `tickets_fts` USING fts5(external_id, seller_ticket_id, description, content='tickets', content_rowid='id');
--> statement-breakpoint
INSERT INTO `tickets_fts`(`tickets_fts`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ai` AFTER INSERT ON `tickets` BEGIN
  INSERT INTO `tickets_fts`(rowid, external_id, seller_ticket_id, description) VALUES (new.id, new.external_id, coalesce(new.seller_ticket_id, ''), new.description);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_ad` AFTER DELETE ON `tickets` BEGIN
  INSERT INTO `tickets_fts`(`tickets_fts`, rowid, external_id, seller_ticket_id, description) VALUES ('delete', old.id, old.external_id, coalesce(old.seller_ticket_id, ''), old.description);
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_fts_au` AFTER UPDATE OF external_id, seller_ticket_id, description ON `tickets` BEGIN
  INSERT INTO `tickets_fts`(`tickets_fts`, rowid, external_id, seller_ticket_id, description) VALUES ('delete', old.id, old.external_id, coalesce(old.seller_ticket_id, ''), old.description);
  INSERT INTO `tickets_fts`(rowid, external_id, seller_ticket_id, description) VALUES (new.id, new.external_id, coalesce(new.seller_ticket_id, ''), new.description);
END;

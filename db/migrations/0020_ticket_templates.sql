CREATE TABLE `note_snippets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`text` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `note_snippets_name_uq` ON `note_snippets` (`name`);--> statement-breakpoint
CREATE TABLE `ticket_templates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`seller_id` integer,
	`product_id` text,
	`description` text DEFAULT '' NOT NULL,
	`ticket_type` text,
	`severity` text,
	`priority` text,
	`observed_impact` text,
	`note` text DEFAULT '' NOT NULL,
	`contacts` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_templates_name_uq` ON `ticket_templates` (`name`);--> statement-breakpoint
CREATE INDEX `ticket_templates_seller_idx` ON `ticket_templates` (`seller_id`);
CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`api` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`event_time` text NOT NULL,
	`resource_id` text NOT NULL,
	`body` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`received_at` text NOT NULL,
	`processed_at` text,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_seller_event_uq` ON `inbox` (`seller_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `inbox_due_idx` ON `inbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `inbox_resource_idx` ON `inbox` (`seller_id`,`resource_id`,`id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	`operation` text NOT NULL,
	`payload` text,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`last_error_detail` text,
	`created_by_user_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_ticket_idx` ON `outbox` (`ticket_id`,`id`);--> statement-breakpoint
CREATE TABLE `sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`seller_ticket_id` text,
	`external_id` text NOT NULL,
	`product_id` text NOT NULL,
	`description` text NOT NULL,
	`severity` text NOT NULL,
	`seller_severity` text,
	`priority` text NOT NULL,
	`seller_priority` text,
	`ticket_type` text NOT NULL,
	`observed_impact` text NOT NULL,
	`status` text,
	`creation_date` text,
	`expected_resolution_date` text,
	`resolution_date` text,
	`issue_start_date` text,
	`last_status_change_at` text,
	`document` text NOT NULL,
	`document_hash` text DEFAULT '' NOT NULL,
	`fetched_at` text,
	`sync_state` text DEFAULT 'synced' NOT NULL,
	`sync_error` text,
	`created_by_user_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_seller_ticket_uq` ON `tickets` (`seller_id`,`seller_ticket_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_external_id_uq` ON `tickets` (`external_id`);--> statement-breakpoint
CREATE INDEX `tickets_status_idx` ON `tickets` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_seller_status_idx` ON `tickets` (`seller_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_seller_severity_idx` ON `tickets` (`seller_id`,`severity`);--> statement-breakpoint
CREATE INDEX `tickets_severity_idx` ON `tickets` (`severity`);--> statement-breakpoint
CREATE INDEX `tickets_seller_severity2_idx` ON `tickets` (`seller_severity`);--> statement-breakpoint
CREATE INDEX `tickets_priority_idx` ON `tickets` (`priority`);--> statement-breakpoint
CREATE INDEX `tickets_seller_priority_idx` ON `tickets` (`seller_priority`);--> statement-breakpoint
CREATE INDEX `tickets_type_idx` ON `tickets` (`ticket_type`);--> statement-breakpoint
CREATE INDEX `tickets_impact_idx` ON `tickets` (`observed_impact`);--> statement-breakpoint
CREATE INDEX `tickets_product_idx` ON `tickets` (`product_id`);--> statement-breakpoint
CREATE INDEX `tickets_creation_idx` ON `tickets` (`creation_date`);--> statement-breakpoint
CREATE INDEX `tickets_expected_idx` ON `tickets` (`expected_resolution_date`);--> statement-breakpoint
CREATE INDEX `tickets_resolution_idx` ON `tickets` (`resolution_date`);--> statement-breakpoint
CREATE INDEX `tickets_updated_idx` ON `tickets` (`updated_at`);
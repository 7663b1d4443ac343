CREATE TABLE `sla_agreements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`seller_id` integer NOT NULL,
	`product_id` text,
	`site_id` text,
	`basis` text DEFAULT 'severity' NOT NULL,
	`targets` text NOT NULL,
	`pause_states` text NOT NULL,
	`at_risk_percent` integer DEFAULT 75 NOT NULL,
	`calendar_id` integer,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`calendar_id`) REFERENCES `sla_calendars`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `sla_agreements_seller_idx` ON `sla_agreements` (`seller_id`,`valid_from`);--> statement-breakpoint
CREATE TABLE `sla_calendars` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`time_zone` text NOT NULL,
	`hours` text NOT NULL,
	`holidays` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_calendars_name_uq` ON `sla_calendars` (`name`);--> statement-breakpoint
CREATE TABLE `ticket_sla` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`seller_id` integer NOT NULL,
	`agreement_id` integer,
	`agreement_snapshot` text NOT NULL,
	`target` text NOT NULL,
	`level` text NOT NULL,
	`target_ms` integer NOT NULL,
	`elapsed_ms` integer NOT NULL,
	`paused_ms` integer NOT NULL,
	`state` text NOT NULL,
	`verdict` text NOT NULL,
	`final` integer DEFAULT false NOT NULL,
	`at_risk_at` text,
	`breach_at` text,
	`stopped_at` text,
	`computed_at` text NOT NULL,
	`ticket_created_at` text NOT NULL,
	`risk_notified_at` text,
	`breach_notified_at` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agreement_id`) REFERENCES `sla_agreements`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_sla_ticket_target_uq` ON `ticket_sla` (`ticket_id`,`target`);--> statement-breakpoint
CREATE INDEX `ticket_sla_scorecard_idx` ON `ticket_sla` (`seller_id`,`ticket_created_at`,`target`,`level`,`target_ms`,`state`,`verdict`,`elapsed_ms`,`paused_ms`,`at_risk_at`,`breach_at`,`ticket_id`);--> statement-breakpoint
CREATE INDEX `ticket_sla_due_risk_idx` ON `ticket_sla` (`risk_notified_at`,`at_risk_at`);--> statement-breakpoint
CREATE INDEX `ticket_sla_due_breach_idx` ON `ticket_sla` (`breach_notified_at`,`breach_at`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `sla_risk_at` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `sla_breach_at` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `sla_verdict` text;--> statement-breakpoint
CREATE INDEX `tickets_sla_risk_idx` ON `tickets` (`sla_risk_at`,`sla_breach_at`);--> statement-breakpoint
CREATE INDEX `tickets_sla_breach_idx` ON `tickets` (`sla_breach_at`);
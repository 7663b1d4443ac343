CREATE TABLE `ticket_status_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`seller_id` integer NOT NULL,
	`status` text NOT NULL,
	`changed_at` text NOT NULL,
	`reason` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_status_history_uq` ON `ticket_status_history` (`ticket_id`,`changed_at`,`status`);--> statement-breakpoint
CREATE INDEX `ticket_status_history_changed_idx` ON `ticket_status_history` (`changed_at`,`status`);--> statement-breakpoint
CREATE INDEX `ticket_status_history_seller_idx` ON `ticket_status_history` (`seller_id`,`changed_at`);
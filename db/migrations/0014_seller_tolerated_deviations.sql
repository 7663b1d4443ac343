CREATE TABLE `seller_tolerated_deviations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`deviation` text NOT NULL,
	`kind` text NOT NULL,
	`api` text NOT NULL,
	`operation_id` text NOT NULL,
	`sample_path` text DEFAULT '' NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seller_tolerated_deviations_uq` ON `seller_tolerated_deviations` (`seller_id`,`deviation`,`operation_id`);
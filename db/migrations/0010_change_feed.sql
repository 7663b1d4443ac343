CREATE TABLE `change_feed` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`topic` text NOT NULL,
	`seller` text NOT NULL,
	`entity_id` text,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `change_feed_at_idx` ON `change_feed` (`at`);
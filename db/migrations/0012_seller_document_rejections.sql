CREATE TABLE `seller_document_rejections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`api` text NOT NULL,
	`operation_id` text NOT NULL,
	`resource_id` text DEFAULT '' NOT NULL,
	`violations` text NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seller_document_rejections_uq` ON `seller_document_rejections` (`seller_id`,`api`,`operation_id`,`resource_id`);--> statement-breakpoint
CREATE INDEX `seller_document_rejections_last_seen_idx` ON `seller_document_rejections` (`last_seen_at`);--> statement-breakpoint
ALTER TABLE `sellers` ADD `tolerated_deviations` text DEFAULT '{"known":["listItemsMissingRequired","mediaTypeWithoutCharset","unknownMembers","bareWorkOrderList"],"allowed":[]}' NOT NULL;
ALTER TABLE `inbox` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `inbox` ADD `lease_until` text;
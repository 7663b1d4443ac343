ALTER TABLE `notification_hubs` ADD `reference_point` text DEFAULT 'sonata' NOT NULL;--> statement-breakpoint
ALTER TABLE `sellers` ADD `reference_point` text DEFAULT 'sonata' NOT NULL;
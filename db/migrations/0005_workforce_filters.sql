ALTER TABLE `appointments` ADD `site_id` text;--> statement-breakpoint
CREATE INDEX `appointments_status_idx` ON `appointments` (`status`,`start_at`);--> statement-breakpoint
CREATE INDEX `appointments_site_idx` ON `appointments` (`site_id`,`start_at`);--> statement-breakpoint
ALTER TABLE `work_orders` ADD `appointment_required_since` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `site_id` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `ticket_id` text;--> statement-breakpoint
ALTER TABLE `work_orders` ADD `product_id` text;--> statement-breakpoint
CREATE INDEX `work_orders_needed_idx` ON `work_orders` (`appointment_required`,`appointment_required_since`);--> statement-breakpoint
CREATE INDEX `work_orders_site_idx` ON `work_orders` (`site_id`);--> statement-breakpoint
CREATE INDEX `work_orders_ticket_idx` ON `work_orders` (`seller_id`,`ticket_id`);
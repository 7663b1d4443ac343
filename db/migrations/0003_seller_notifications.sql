CREATE TABLE `appointments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`seller_resource_id` text NOT NULL,
	`status` text NOT NULL,
	`last_change_at` text,
	`document` text NOT NULL,
	`document_hash` text NOT NULL,
	`fetched_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`work_order_id` text,
	`start_at` text,
	`end_at` text,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_seller_resource_uq` ON `appointments` (`seller_id`,`seller_resource_id`);--> statement-breakpoint
CREATE INDEX `appointments_start_idx` ON `appointments` (`start_at`);--> statement-breakpoint
CREATE INDEX `appointments_work_order_idx` ON `appointments` (`seller_id`,`work_order_id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`seller_resource_id` text NOT NULL,
	`status` text NOT NULL,
	`last_change_at` text,
	`document` text NOT NULL,
	`document_hash` text NOT NULL,
	`fetched_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`product_id` text,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_seller_resource_uq` ON `incidents` (`seller_id`,`seller_resource_id`);--> statement-breakpoint
CREATE INDEX `incidents_status_idx` ON `incidents` (`status`,`updated_at`);--> statement-breakpoint
CREATE TABLE `listener_credentials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`client_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	`secret_hint` text NOT NULL,
	`delivered_via` text DEFAULT 'onboarding' NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `listener_credentials_client_uq` ON `listener_credentials` (`client_id`);--> statement-breakpoint
CREATE INDEX `listener_credentials_seller_idx` ON `listener_credentials` (`seller_id`);--> statement-breakpoint
CREATE TABLE `notification_hubs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`api` text NOT NULL,
	`hub_id` text,
	`callback` text NOT NULL,
	`state` text NOT NULL,
	`last_error` text,
	`registered_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_hubs_seller_api_uq` ON `notification_hubs` (`seller_id`,`api`);--> statement-breakpoint
CREATE TABLE `seller_sync_state` (
	`seller_id` integer PRIMARY KEY NOT NULL,
	`last_event_at` text,
	`last_reconcile_at` text,
	`last_reconcile_from` text,
	`last_reconcile_result` text,
	`last_reconcile_error` text,
	`credentials_pushed_at` text,
	`credentials_push_error` text,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `waiting_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`kind` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`ticket_id` integer,
	`title` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`href` text NOT NULL,
	`opened_at` text NOT NULL,
	`cleared_at` text,
	`cleared_by` text,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waiting_items_uq` ON `waiting_items` (`seller_id`,`kind`,`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `waiting_items_open_idx` ON `waiting_items` (`cleared_at`,`opened_at`);--> statement-breakpoint
CREATE INDEX `waiting_items_ticket_idx` ON `waiting_items` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `work_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seller_id` integer NOT NULL,
	`seller_resource_id` text NOT NULL,
	`status` text NOT NULL,
	`last_change_at` text,
	`document` text NOT NULL,
	`document_hash` text NOT NULL,
	`fetched_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`appointment_required` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `work_orders_seller_resource_uq` ON `work_orders` (`seller_id`,`seller_resource_id`);--> statement-breakpoint
CREATE INDEX `work_orders_status_idx` ON `work_orders` (`status`,`updated_at`);
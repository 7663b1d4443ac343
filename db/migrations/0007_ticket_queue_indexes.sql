CREATE INDEX `tickets_seller_updated_idx` ON `tickets` (`seller_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_severity_updated_idx` ON `tickets` (`severity`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_seller_severity_updated_idx` ON `tickets` (`seller_severity`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_priority_updated_idx` ON `tickets` (`priority`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_seller_priority_updated_idx` ON `tickets` (`seller_priority`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_type_updated_idx` ON `tickets` (`ticket_type`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_impact_updated_idx` ON `tickets` (`observed_impact`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_product_updated_idx` ON `tickets` (`product_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `tickets_mine_idx` ON `tickets` (`created_by_user_id`,`priority`,`status`,`updated_at`);
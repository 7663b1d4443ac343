CREATE INDEX `tickets_dashboard_resolved_idx` ON `tickets` (`resolution_date`,`status`,`seller_id`,`creation_date`,`expected_resolution_date`);--> statement-breakpoint
CREATE INDEX `tickets_dashboard_created_idx` ON `tickets` (`creation_date`,`seller_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_dashboard_open_idx` ON `tickets` (`status`,`seller_id`,`severity`,`creation_date`);
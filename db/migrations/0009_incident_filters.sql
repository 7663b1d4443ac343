CREATE TABLE `seller_incident_state` (
	`seller_id` integer PRIMARY KEY NOT NULL,
	`not_offered_since` text,
	`last_listed_at` text,
	`last_list_count` integer,
	`last_list_error` text,
	`checked_at` text NOT NULL,
	FOREIGN KEY (`seller_id`) REFERENCES `sellers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `incidents` ADD `severity` text GENERATED ALWAYS AS (json_extract(document, '$.severity')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `priority` text GENERATED ALWAYS AS (json_extract(document, '$.priority')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `incident_type` text GENERATED ALWAYS AS (json_extract(document, '$.incidentType')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `impact` text GENERATED ALWAYS AS (json_extract(document, '$.impact')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `description` text GENERATED ALWAYS AS (json_extract(document, '$.description')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `related_entities` text GENERATED ALWAYS AS (json_extract(document, '$.relatedEntity')) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `creation_date` text GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(document, '$.creationDate'))) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `situation_start_date` text GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(document, '$.situationStartDate'))) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `expected_closed_date` text GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(document, '$.expectedClosedDate'))) VIRTUAL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `closed_date` text GENERATED ALWAYS AS (strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(document, '$.closedDate'))) VIRTUAL;--> statement-breakpoint
CREATE INDEX `incidents_seller_status_idx` ON `incidents` (`seller_id`,`status`);--> statement-breakpoint
CREATE INDEX `incidents_product_idx` ON `incidents` (`seller_id`,`product_id`);--> statement-breakpoint
CREATE INDEX `incidents_severity_idx` ON `incidents` (`severity`);--> statement-breakpoint
CREATE INDEX `incidents_priority_idx` ON `incidents` (`priority`);--> statement-breakpoint
CREATE INDEX `incidents_type_idx` ON `incidents` (`incident_type`);--> statement-breakpoint
CREATE INDEX `incidents_impact_idx` ON `incidents` (`impact`);--> statement-breakpoint
CREATE INDEX `incidents_creation_idx` ON `incidents` (`creation_date`);--> statement-breakpoint
CREATE INDEX `incidents_situation_start_idx` ON `incidents` (`situation_start_date`);--> statement-breakpoint
CREATE INDEX `incidents_expected_closed_idx` ON `incidents` (`expected_closed_date`);--> statement-breakpoint
CREATE INDEX `incidents_closed_idx` ON `incidents` (`closed_date`);
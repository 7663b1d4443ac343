CREATE TABLE `periodic_jobs` (
	`name` text PRIMARY KEY NOT NULL,
	`lease_owner` text,
	`lease_until` text,
	`last_started_at` text,
	`last_finished_at` text,
	`last_outcome` text,
	`last_error` text
);

CREATE TABLE `appointment_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appointment_id` integer NOT NULL,
	`status` text NOT NULL,
	`start_at` text,
	`end_at` text,
	`observed_at` text NOT NULL,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `appointment_history_appointment_idx` ON `appointment_history` (`appointment_id`,`observed_at`);
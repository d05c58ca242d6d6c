CREATE TABLE `conduct_versions` (
	`version` integer PRIMARY KEY DEFAULT 1 NOT NULL,
	`text` text NOT NULL,
	`published_by` text,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
ALTER TABLE `users` ADD `conduct_version` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `conduct_accepted_at` integer;
ALTER TABLE `booths` ADD `translations` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `booths` ADD `archived_at` integer;
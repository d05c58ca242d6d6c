CREATE TABLE `fair_settings` (
	`id` integer PRIMARY KEY DEFAULT 1 NOT NULL,
	`name` text NOT NULL,
	`welcome` text NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`time_zone` text NOT NULL,
	`contact_email` text,
	`updated_at` integer NOT NULL
);

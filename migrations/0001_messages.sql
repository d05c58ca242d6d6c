CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booth_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`user_id` text NOT NULL,
	`client_msg_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booth_id`) REFERENCES `booths`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_booth_seq_idx` ON `messages` (`booth_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_user_client_msg_idx` ON `messages` (`user_id`,`client_msg_id`);
CREATE TABLE `booth_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booth_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`body` text NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	`answered_at` integer,
	`answered_by` text,
	`answer_message_id` integer,
	`deleted_at` integer,
	`deleted_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booth_id`) REFERENCES `booths`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`answered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`answer_message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `booth_questions_booth_idx` ON `booth_questions` (`booth_id`,`id`);--> statement-breakpoint
CREATE TABLE `booth_queue` (
	`user_id` text PRIMARY KEY NOT NULL,
	`booth_id` integer NOT NULL,
	`joined_at` integer NOT NULL,
	`hold_until` integer,
	`offer_expires_at` integer,
	`missed_offers` integer DEFAULT 0 NOT NULL,
	`admitted_by` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`booth_id`) REFERENCES `booths`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`admitted_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `booth_queue_booth_idx` ON `booth_queue` (`booth_id`,`joined_at`);--> statement-breakpoint
CREATE TABLE `contact_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booth_id` integer NOT NULL,
	`member_id` text NOT NULL,
	`message` text NOT NULL,
	`share` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`note` text,
	`answered_by` text,
	`answered_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booth_id`) REFERENCES `booths`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`answered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `contact_requests_booth_idx` ON `contact_requests` (`booth_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `contact_requests_member_idx` ON `contact_requests` (`member_id`,`id`);--> statement-breakpoint
CREATE TABLE `conversation_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`user_id` text NOT NULL,
	`client_msg_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`deleted_at` integer,
	`deleted_by` text,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_messages_seq_idx` ON `conversation_messages` (`conversation_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_messages_client_idx` ON `conversation_messages` (`user_id`,`client_msg_id`);--> statement-breakpoint
CREATE TABLE `conversation_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`reporter_id` text NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`status` text DEFAULT 'open' NOT NULL,
	`resolved_by` text,
	`resolution_note` text,
	`resolved_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `conversation_messages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reporter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resolved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_reports_message_reporter_idx` ON `conversation_reports` (`message_id`,`reporter_id`);--> statement-breakpoint
CREATE INDEX `conversation_reports_status_idx` ON `conversation_reports` (`status`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`booth_id` integer NOT NULL,
	`request_id` integer,
	`member_id` text NOT NULL,
	`staff_id` text NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`booth_id`) REFERENCES `booths`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`request_id`) REFERENCES `contact_requests`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`member_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`staff_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_request_idx` ON `conversations` (`request_id`);--> statement-breakpoint
CREATE INDEX `conversations_member_idx` ON `conversations` (`member_id`);--> statement-breakpoint
CREATE INDEX `conversations_staff_idx` ON `conversations` (`staff_id`);--> statement-breakpoint
CREATE TABLE `question_votes` (
	`question_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`question_id`, `user_id`),
	FOREIGN KEY (`question_id`) REFERENCES `booth_questions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `users` ADD `organisation` text;
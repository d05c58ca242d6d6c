CREATE INDEX `audit_log_message_idx` ON `audit_log` (`message_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_idx` ON `sessions` (`expires_at`);
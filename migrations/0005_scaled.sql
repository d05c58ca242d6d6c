ALTER TABLE `booth_visits` ADD `node_id` text;--> statement-breakpoint
ALTER TABLE `booths` ADD `last_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `booths` SET `last_seq` = (SELECT coalesce(max(`seq`), 0) FROM `messages` WHERE `messages`.`booth_id` = `booths`.`id`);

ALTER TABLE "booths" ADD COLUMN "translations" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "booths" ADD COLUMN "archived_at" timestamp (3) with time zone;
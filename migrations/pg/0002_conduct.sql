CREATE TABLE "conduct_versions" (
	"version" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"text" jsonb NOT NULL,
	"published_by" text,
	"published_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "conduct_version" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "conduct_accepted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conduct_versions" ADD CONSTRAINT "conduct_versions_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;
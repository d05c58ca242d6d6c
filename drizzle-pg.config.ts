import { defineConfig } from 'drizzle-kit';

/** Scaled mode: the PostgreSQL migrations, generated from schema-pg.ts beside the SQLite ones. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema-pg.ts',
  out: './migrations/pg',
});

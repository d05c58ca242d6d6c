import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import type { BoothStatus } from '../../shared/booths.js';

const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<Role>().notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
});

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked database does not leak live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const booths = sqliteTable('booths', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  network: text('network').notNull(),
  description: text('description').notNull(),
  languages: text('languages', { mode: 'json' }).$type<Language[]>().notNull(),
  tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  capacity: integer('capacity').notNull(),
  status: text('status').$type<BoothStatus>().notNull().default('open'),
  createdAt: createdAt(),
});

export const boothHosts = sqliteTable(
  'booth_hosts',
  {
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.boothId, table.userId] }), index('booth_hosts_user_idx').on(table.userId)],
);

export const invites = sqliteTable(
  'invites',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** SHA-256 of the one-time code; the code itself is shown once, in the link. */
    codeHash: text('code_hash').notNull(),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    boothId: integer('booth_id').references(() => booths.id, { onDelete: 'set null' }),
    displayName: text('display_name'),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('invites_code_hash_idx').on(table.codeHash), index('invites_email_idx').on(table.email)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    /** Per-booth sequence number: 1, 2, 3… with no gaps; clients catch up by it. */
    seq: integer('seq').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientMsgId: text('client_msg_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('messages_booth_seq_idx').on(table.boothId, table.seq),
    uniqueIndex('messages_user_client_msg_idx').on(table.userId, table.clientMsgId),
  ],
);

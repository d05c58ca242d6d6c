import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import type { BoothLink, BoothStatus } from '../../shared/booths.js';
import type { ReportReason, ReportStatus, RestrictionKind } from '../../shared/moderation.js';

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
  links: text('links', { mode: 'json' }).$type<BoothLink[]>().notNull().default(sql`'[]'`),
  /** Locked: nobody new may enter; people inside stay. */
  locked: integer('locked', { mode: 'boolean' }).notNull().default(false),
  slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
  /** No foreign key: messages reference booths, and the pin is cleared when its message is deleted. */
  pinnedMessageId: integer('pinned_message_id'),
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
    /** Soft delete: the row stays for the audit trail; clients get the message without its body. */
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    /** Who deleted it (no foreign key: SQLite cannot add one with ON DELETE to an existing table). */
    deletedBy: text('deleted_by'),
    deleteReason: text('delete_reason'),
  },
  (table) => [
    uniqueIndex('messages_booth_seq_idx').on(table.boothId, table.seq),
    uniqueIndex('messages_user_client_msg_idx').on(table.userId, table.clientMsgId),
  ],
);

/** Booth sessions on the schedule. */
export const boothSessions = sqliteTable(
  'booth_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    startsAt: integer('starts_at', { mode: 'timestamp_ms' }).notNull(),
    endsAt: integer('ends_at', { mode: 'timestamp_ms' }).notNull(),
    language: text('language').$type<Language>().notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [index('booth_sessions_booth_ends_idx').on(table.boothId, table.endsAt)],
);

/**
 * Mutes, kick cool-downs and bans. Active while `lifted_at` is null and `expires_at` is null
 * (until lifted) or in the future. `booth_id` null means fair-wide.
 */
export const restrictions = sqliteTable(
  'restrictions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').$type<RestrictionKind>().notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    boothId: integer('booth_id').references(() => booths.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    liftedAt: integer('lifted_at', { mode: 'timestamp_ms' }),
    liftedBy: text('lifted_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [index('restrictions_user_kind_idx').on(table.userId, table.kind)],
);

/** Reports of messages; one per member per message. */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    reason: text('reason').$type<ReportReason>().notNull(),
    note: text('note'),
    status: text('status').$type<ReportStatus>().notNull().default('open'),
    resolvedBy: text('resolved_by').references(() => users.id, { onDelete: 'set null' }),
    resolutionNote: text('resolution_note'),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('reports_message_reporter_idx').on(table.messageId, table.reporterId), index('reports_status_idx').on(table.status)],
);

/** Every moderation and host action: who, what, whom, where, why, when, until when. Append-only. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetUserId: text('target_user_id').references(() => users.id, { onDelete: 'set null' }),
    boothId: integer('booth_id').references(() => booths.id, { onDelete: 'set null' }),
    messageId: integer('message_id').references(() => messages.id, { onDelete: 'set null' }),
    reason: text('reason'),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (table) => [index('audit_log_action_idx').on(table.action), index('audit_log_booth_idx').on(table.boothId), index('audit_log_target_idx').on(table.targetUserId)],
);

/** One person's stay in a booth, for the staff figures. `left_at` is null while they are there. */
export const boothVisits = sqliteTable(
  'booth_visits',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: integer('joined_at', { mode: 'timestamp_ms' }).notNull(),
    leftAt: integer('left_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('booth_visits_booth_joined_idx').on(table.boothId, table.joinedAt), index('booth_visits_open_idx').on(table.boothId, table.userId, table.leftAt)],
);

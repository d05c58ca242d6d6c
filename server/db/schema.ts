import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import type { MailState } from '../../shared/invites.js';
import type { BoothLink, BoothStatus, BoothTranslations } from '../../shared/booths.js';
import type { ReportReason, ReportStatus, RestrictionKind } from '../../shared/moderation.js';
import type { ContactShare, ContactStatus } from '../../shared/contacts.js';

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
  /**
   * The name the alliance verified (from the invitation or roster). `displayName` is the name
   * the person uses at the fair; organisers see both, everyone else only the fair name.
   * Null for accounts made before the two were told apart: then they are the same.
   */
  verifiedName: text('verified_name'),
  /** Set when the account was deleted or erased: the row stays as a tombstone, scrubbed. */
  deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
  /** Set while organisers have deactivated the account: no sign-in, no session; nothing is erased. */
  deactivatedAt: integer('deactivated_at', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
  /** The language of the emails the fair sends this person (from their invitation); null: English. */
  locale: text('locale').$type<Language>(),
  /** The code of conduct's version this person last accepted; null: none yet. */
  conductVersion: integer('conduct_version'),
  conductAcceptedAt: integer('conduct_accepted_at', { mode: 'timestamp_ms' }),
  /** The member organisation this person belongs to (from the roster, or set by them); shared only with their consent. */
  organisation: text('organisation'),
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
    /** The browser, as its User-Agent said at sign-in (shown on the sessions page). */
    userAgent: text('user_agent'),
    /** When a request last used this session (updated at most every few minutes). */
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }),
    /** When the person last proved who they are in this session (sensitive changes need a recent one). */
    authenticatedAt: integer('authenticated_at', { mode: 'timestamp_ms' }),
    /** How they signed in: 'password' or 'passkey'. */
    method: text('method').$type<'password' | 'passkey'>(),
  },
  // The expiry sweep looks for the next session to expire: indexed, not a table scan.
  (table) => [index('sessions_user_idx').on(table.userId), index('sessions_expires_idx').on(table.expiresAt)],
);

/** WebAuthn credentials (passkeys). The public key only: the private key never leaves the device. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    /** The credential id, base64url. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    deviceType: text('device_type').notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    /** A label the member recognises ("Chrome on Android", or one they typed). */
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('passkeys_user_idx').on(table.userId)],
);

/** One-time WebAuthn challenges, consumed on use; short-lived. */
export const authChallenges = sqliteTable('auth_challenges', {
  /** Random handle the client sends back with its answer. */
  id: text('id').primaryKey(),
  challenge: text('challenge').notNull(),
  purpose: text('purpose').$type<'register' | 'login' | 'reauth'>().notNull(),
  /** Set for registration and re-authentication; null for a sign-in that names no account. */
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
});

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
  /**
   * The last message sequence number handed out in this booth. A writer bumps it in the same
   * transaction as the message insert (`UPDATE … SET last_seq = last_seq + 1 RETURNING last_seq`),
   * so numbers stay unique and gap-free with several writers.
   */
  lastSeq: integer('last_seq').notNull().default(0),
  /** Name and description in the booth's other languages; `name`/`description` are in its first. */
  translations: text('translations', { mode: 'json' }).$type<BoothTranslations>().notNull().default(sql`'{}'`),
  /** Set when organisers archived the booth: gone from the lobby, closed, its records kept. */
  archivedAt: integer('archived_at', { mode: 'timestamp_ms' }),
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
    /** The language of the invitation email; null: the fair's default (English). */
    locale: text('locale').$type<Language>(),
    /** The member organisation the roster gave; the account gets it on acceptance. */
    organisation: text('organisation'),
    /** The invitation email: 'sending', 'sent', 'failed' (see mailError) or 'logged' (no SMTP_URL: written to the server log). */
    mailState: text('mail_state').$type<MailState>(),
    /** When the email reached the SMTP server, failed, or was logged. */
    mailAt: integer('mail_at', { mode: 'timestamp_ms' }),
    /** Why the last send failed, as the SMTP client said it (shown to organisers). */
    mailError: text('mail_error'),
  },
  (table) => [uniqueIndex('invites_code_hash_idx').on(table.codeHash), index('invites_email_idx').on(table.email)],
);

/** "Forgot password" links: single-use, short-lived; only the hash of the emailed token is kept. */
export const passwordResets = sqliteTable(
  'password_resets',
  {
    /** SHA-256 of the token in the emailed link. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('password_resets_user_idx').on(table.userId)],
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
    /** Sent during a private visit: members see the booth pseudonym, never the author. */
    private: integer('private', { mode: 'boolean' }).notNull().default(false),
  },
  (table) => [
    index('messages_created_idx').on(table.createdAt),
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
  (table) => [
    // Deleting a message (retention, erasure) sets its audit lines' message_id to null: indexed.
    index('audit_log_message_idx').on(table.messageId),
    index('audit_log_action_idx').on(table.action),
    index('audit_log_booth_idx').on(table.boothId),
    index('audit_log_target_idx').on(table.targetUserId),
  ],
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
    /** A private visit: counted in figures, never named. */
    private: integer('private', { mode: 'boolean' }).notNull().default(false),
    /** The server node that opened the visit: a node starting up closes only its own. Null: opened before nodes were named. */
    nodeId: text('node_id'),
  },
  (table) => [index('booth_visits_booth_joined_idx').on(table.boothId, table.joinedAt), index('booth_visits_open_idx').on(table.boothId, table.userId, table.leftAt)],
);

/**
 * A private visitor's stable pseudonym in one booth ("Private visitor 4"), and the opaque id
 * members see instead of the account id. Different in every booth, so visits cannot be linked.
 */
export const privateAliases = sqliteTable(
  'private_aliases',
  {
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 1, 2, 3… per booth, in order of first private visit. */
    number: integer('number').notNull(),
    /** Random; members see `private:<opaqueId>`. */
    opaqueId: text('opaque_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.boothId, table.userId] }),
    uniqueIndex('private_aliases_booth_number_idx').on(table.boothId, table.number),
    uniqueIndex('private_aliases_opaque_idx').on(table.opaqueId),
  ],
);

/** The fair's own settings: one row (id 1), written by organisers. Texts are per language. */
export const fairSettings = sqliteTable('fair_settings', {
  id: integer('id').primaryKey().default(1),
  name: text('name', { mode: 'json' }).$type<Partial<Record<Language, string>>>().notNull(),
  welcome: text('welcome', { mode: 'json' }).$type<Partial<Record<Language, string>>>().notNull(),
  startsAt: integer('starts_at', { mode: 'timestamp_ms' }),
  endsAt: integer('ends_at', { mode: 'timestamp_ms' }),
  timeZone: text('time_zone').notNull(),
  contactEmail: text('contact_email'),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * The code of conduct, one row per published version: organisers edit the text (per language)
 * and each change is a new version that every member accepts again before entering a booth.
 */
export const conductVersions = sqliteTable('conduct_versions', {
  version: integer('version').primaryKey().default(1),
  text: text('text', { mode: 'json' }).$type<Partial<Record<Language, string>>>().notNull(),
  /** The organiser who published it; null for the demo's, or once that account is erased. */
  publishedBy: text('published_by').references(() => users.id, { onDelete: 'set null' }),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * A member's inbox (issue 15): every notice, stored, so nothing is lost while they are offline.
 * `userId` null: a notice for everyone (a fair-wide announcement, a survey opening, a "You
 * said, we did" response), shown to accounts that existed when it was made.
 */
export const inboxNotices = sqliteTable(
  'inbox_notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** What the client needs to say it in the reader's language (no free text beyond what the notice carries). */
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('inbox_notices_user_idx').on(table.userId, table.id)],
);

/** Which notices each person has read (those for everyone too). */
export const inboxReads = sqliteTable(
  'inbox_reads',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    noticeId: integer('notice_id')
      .notNull()
      .references(() => inboxNotices.id, { onDelete: 'cascade' }),
    readAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.noticeId] })],
);

/**
 * A complaint to the organisers. Anonymous: `filerId` is null and nothing else (no session, no
 * address) links it to the filer, who follows it with a tracking code (only its hash is here).
 */
export const complaints = sqliteTable(
  'complaints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    category: text('category').notNull(),
    body: text('body').notNull(),
    /** What it is about, if the filer said: a booth, a message, a person. */
    aboutBoothId: integer('about_booth_id').references(() => booths.id, { onDelete: 'set null' }),
    aboutMessageId: integer('about_message_id').references(() => messages.id, { onDelete: 'set null' }),
    aboutUserId: text('about_user_id').references(() => users.id, { onDelete: 'set null' }),
    filerId: text('filer_id').references(() => users.id, { onDelete: 'set null' }),
    trackingHash: text('tracking_hash').unique(),
    /** received → acknowledged → in_progress → resolved | declined */
    status: text('status').notNull().default('received'),
    locale: text('locale').$type<Language>(),
    acknowledgedAt: integer('acknowledged_at', { mode: 'timestamp_ms' }),
    closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (table) => [index('complaints_status_idx').on(table.status, table.createdAt)],
);

/** Each step of a complaint: its status, when, and the reply the filer sees (who took it stays with handlers). */
export const complaintSteps = sqliteTable(
  'complaint_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    complaintId: integer('complaint_id')
      .notNull()
      .references(() => complaints.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    reply: text('reply'),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [index('complaint_steps_complaint_idx').on(table.complaintId, table.id)],
);

/** Capabilities organisers grant to named people beyond their role (such as `complaints:handle`). */
export const capabilityGrants = sqliteTable(
  'capability_grants',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    capability: text('capability').notNull(),
    grantedBy: text('granted_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.capability] })],
);

/** A member's rating of a booth after a visit: once per booth and person; hosts see it without names. */
export const boothFeedback = sqliteTable(
  'booth_feedback',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('booth_feedback_booth_user_idx').on(table.boothId, table.userId)],
);

/** A survey of the fair (the built-in NPS one, or organisers' own questions per language). */
export const surveys = sqliteTable('surveys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  template: text('template').notNull(),
  /** The questions, per language. */
  questions: text('questions', { mode: 'json' }).$type<unknown>().notNull(),
  /** draft → open → closed (and open again) */
  status: text('status').notNull().default('draft'),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  openedAt: integer('opened_at', { mode: 'timestamp_ms' }),
  closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  createdAt: createdAt(),
});

/** One answer per person and survey, changeable until it closes; `locale` and `role` are for the breakdowns. */
export const surveyResponses = sqliteTable(
  'survey_responses',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    answers: text('answers', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    locale: text('locale').$type<Language>().notNull(),
    role: text('role').$type<Role>().notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.surveyId, table.userId] })],
);

/** "You said, we did": what organisers changed, per language, linked to what members said. */
export const responses = sqliteTable('responses', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title', { mode: 'json' }).$type<Partial<Record<Language, string>>>().notNull(),
  body: text('body', { mode: 'json' }).$type<Partial<Record<Language, string>>>().notNull(),
  /** Complaint categories, feedback themes, a survey: what it answers. */
  links: text('links', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  publishedBy: text('published_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/**
 * A member asks a booth's staff for a follow-up (issue 16). `share` is what the member agreed
 * to let staff see: nothing beyond it is ever shown or exported. Open until a staff member
 * answers or the fair ends; never silently "missed".
 */
export const contactRequests = sqliteTable(
  'contact_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    share: text('share', { mode: 'json' }).$type<ContactShare[]>().notNull(),
    status: text('status').$type<ContactStatus>().notNull().default('open'),
    /** The staff member's note with a decline or "we will email you". */
    note: text('note'),
    answeredBy: text('answered_by').references(() => users.id, { onDelete: 'set null' }),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (table) => [index('contact_requests_booth_idx').on(table.boothId, table.status, table.id), index('contact_requests_member_idx').on(table.memberId, table.id)],
);

/**
 * A private 1:1 text conversation between a member and one staff member, opened by accepting a
 * contact request. `lastSeq` is its sequence counter, bumped in the same transaction as each
 * message insert (as `booths.last_seq` is for booth chat), so numbers stay gap-free on any node.
 */
export const conversations = sqliteTable(
  'conversations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    requestId: integer('request_id').references(() => contactRequests.id, { onDelete: 'set null' }),
    memberId: text('member_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    staffId: text('staff_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('conversations_request_idx').on(table.requestId),
    index('conversations_member_idx').on(table.memberId),
    index('conversations_staff_idx').on(table.staffId),
  ],
);

/** A message in a 1:1 conversation: the same sequence and idempotency rules as booth chat. */
export const conversationMessages = sqliteTable(
  'conversation_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientMsgId: text('client_msg_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    /** Removed by a moderator after a report: the row stays for the audit trail, without its body to clients. */
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    deletedBy: text('deleted_by'),
  },
  (table) => [
    uniqueIndex('conversation_messages_seq_idx').on(table.conversationId, table.seq),
    uniqueIndex('conversation_messages_client_idx').on(table.userId, table.clientMsgId),
  ],
);

/** A report of a message in a 1:1 conversation, for moderators (booth chat reports are `reports`). */
export const conversationReports = sqliteTable(
  'conversation_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    messageId: integer('message_id')
      .notNull()
      .references(() => conversationMessages.id, { onDelete: 'cascade' }),
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
  (table) => [uniqueIndex('conversation_reports_message_reporter_idx').on(table.messageId, table.reporterId), index('conversation_reports_status_idx').on(table.status)],
);

/** A question to a booth (the text-mode way to raise a hand). `votes` counts `question_votes`, kept in the same transaction. */
export const boothQuestions = sqliteTable(
  'booth_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    /** The asker's name is hidden from other members (staff and moderators still see it). */
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    votes: integer('votes').notNull().default(0),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
    answeredBy: text('answered_by').references(() => users.id, { onDelete: 'set null' }),
    /** Answered in the booth's chat: the message that answers it. */
    answerMessageId: integer('answer_message_id').references(() => messages.id, { onDelete: 'set null' }),
    deletedAt: integer('deleted_at', { mode: 'timestamp_ms' }),
    deletedBy: text('deleted_by'),
    createdAt: createdAt(),
  },
  (table) => [index('booth_questions_booth_idx').on(table.boothId, table.id)],
);

/** One vote per member and question. */
export const questionVotes = sqliteTable(
  'question_votes',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => boothQuestions.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.questionId, table.userId] })],
);

/**
 * The queue at a full booth: one row per waiting member (one queue per member, so the user id
 * is the key), in `joinedAt` order. While none of the member's connections is online the place
 * is held until `holdUntil`; the first in line is offered a seat until `offerExpiresAt`.
 */
export const boothQueue = sqliteTable(
  'booth_queue',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    joinedAt: integer('joined_at', { mode: 'timestamp_ms' }).notNull(),
    holdUntil: integer('hold_until', { mode: 'timestamp_ms' }),
    offerExpiresAt: integer('offer_expires_at', { mode: 'timestamp_ms' }),
    /** Offers this member let expire. */
    missedOffers: integer('missed_offers').notNull().default(0),
    /** A staff member let them in ahead of the line. */
    admittedBy: text('admitted_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [index('booth_queue_booth_idx').on(table.boothId, table.joinedAt)],
);

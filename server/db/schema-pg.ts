/**
 * The PostgreSQL schema (scaled mode): `schema.ts` table by table, column by column, in
 * PostgreSQL types. What each column means is documented in `schema.ts`; `schema-parity.test.ts`
 * fails when the two drift apart.
 *
 * Type mapping: timestamp_ms → timestamptz(3) read as Date; boolean → boolean; json text →
 * jsonb; autoincrement ids → integer identity (BY DEFAULT, so an explicit id stays insertable,
 * as in SQLite, and the insert types of both schemas are the same).
 */
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Language } from '../../shared/limits.js';
import type { Role } from '../../shared/roles.js';
import type { MailState } from '../../shared/invites.js';
import type { BoothLink, BoothStatus, BoothTranslations } from '../../shared/booths.js';
import type { ReportReason, ReportStatus, RestrictionKind } from '../../shared/moderation.js';
import type { ContactShare, ContactStatus } from '../../shared/contacts.js';

/** Epoch-millisecond precision, like SQLite's timestamp_ms, so a Date round-trips unchanged. */
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

const createdAt = () => timestampMs('created_at').notNull().defaultNow();

const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<Role>().notNull(),
  passwordHash: text('password_hash').notNull(),
  verifiedName: text('verified_name'),
  deletedAt: timestampMs('deleted_at'),
  deactivatedAt: timestampMs('deactivated_at'),
  createdAt: createdAt(),
  locale: text('locale').$type<Language>(),
  conductVersion: integer('conduct_version'),
  conductAcceptedAt: timestampMs('conduct_accepted_at'),
  organisation: text('organisation'),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: createdAt(),
    userAgent: text('user_agent'),
    lastSeenAt: timestampMs('last_seen_at'),
    authenticatedAt: timestampMs('authenticated_at'),
    method: text('method').$type<'password' | 'passkey'>(),
  },
  (table) => [index('sessions_user_idx').on(table.userId), index('sessions_expires_idx').on(table.expiresAt)],
);

export const passkeys = pgTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    deviceType: text('device_type').notNull(),
    backedUp: boolean('backed_up').notNull().default(false),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestampMs('last_used_at'),
  },
  (table) => [index('passkeys_user_idx').on(table.userId)],
);

export const authChallenges = pgTable('auth_challenges', {
  id: text('id').primaryKey(),
  challenge: text('challenge').notNull(),
  purpose: text('purpose').$type<'register' | 'login' | 'reauth'>().notNull(),
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: timestampMs('expires_at').notNull(),
});

export const booths = pgTable('booths', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  network: text('network').notNull(),
  description: text('description').notNull(),
  languages: jsonb('languages').$type<Language[]>().notNull(),
  tags: jsonb('tags').$type<string[]>().notNull(),
  capacity: integer('capacity').notNull(),
  status: text('status').$type<BoothStatus>().notNull().default('open'),
  links: jsonb('links').$type<BoothLink[]>().notNull().default([]),
  locked: boolean('locked').notNull().default(false),
  slowModeSeconds: integer('slow_mode_seconds').notNull().default(0),
  pinnedMessageId: integer('pinned_message_id'),
  lastSeq: integer('last_seq').notNull().default(0),
  translations: jsonb('translations').$type<BoothTranslations>().notNull().default({}),
  archivedAt: timestampMs('archived_at'),
  createdAt: createdAt(),
});

export const boothHosts = pgTable(
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

export const invites = pgTable(
  'invites',
  {
    id: id(),
    codeHash: text('code_hash').notNull(),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    boothId: integer('booth_id').references(() => booths.id, { onDelete: 'set null' }),
    displayName: text('display_name'),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    locale: text('locale').$type<Language>(),
    /** The member organisation the roster gave; the account gets it on acceptance. */
    organisation: text('organisation'),
    mailState: text('mail_state').$type<MailState>(),
    mailAt: timestampMs('mail_at'),
    mailError: text('mail_error'),
  },
  (table) => [uniqueIndex('invites_code_hash_idx').on(table.codeHash), index('invites_email_idx').on(table.email)],
);

export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('password_resets_user_idx').on(table.userId)],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientMsgId: text('client_msg_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    deletedAt: timestampMs('deleted_at'),
    /** No foreign key, as in SQLite (kept the same so both databases behave alike). */
    deletedBy: text('deleted_by'),
    deleteReason: text('delete_reason'),
    private: boolean('private').notNull().default(false),
  },
  (table) => [
    index('messages_created_idx').on(table.createdAt),
    uniqueIndex('messages_booth_seq_idx').on(table.boothId, table.seq),
    uniqueIndex('messages_user_client_msg_idx').on(table.userId, table.clientMsgId),
  ],
);

export const boothSessions = pgTable(
  'booth_sessions',
  {
    id: id(),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    startsAt: timestampMs('starts_at').notNull(),
    endsAt: timestampMs('ends_at').notNull(),
    language: text('language').$type<Language>().notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [index('booth_sessions_booth_ends_idx').on(table.boothId, table.endsAt)],
);

export const restrictions = pgTable(
  'restrictions',
  {
    id: id(),
    kind: text('kind').$type<RestrictionKind>().notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    boothId: integer('booth_id').references(() => booths.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestampMs('expires_at'),
    liftedAt: timestampMs('lifted_at'),
    liftedBy: text('lifted_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [index('restrictions_user_kind_idx').on(table.userId, table.kind)],
);

export const reports = pgTable(
  'reports',
  {
    id: id(),
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
    resolvedAt: timestampMs('resolved_at'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('reports_message_reporter_idx').on(table.messageId, table.reporterId), index('reports_status_idx').on(table.status)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetUserId: text('target_user_id').references(() => users.id, { onDelete: 'set null' }),
    boothId: integer('booth_id').references(() => booths.id, { onDelete: 'set null' }),
    messageId: integer('message_id').references(() => messages.id, { onDelete: 'set null' }),
    reason: text('reason'),
    expiresAt: timestampMs('expires_at'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (table) => [
    index('audit_log_message_idx').on(table.messageId),
    index('audit_log_action_idx').on(table.action),
    index('audit_log_booth_idx').on(table.boothId),
    index('audit_log_target_idx').on(table.targetUserId),
  ],
);

export const boothVisits = pgTable(
  'booth_visits',
  {
    id: id(),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    joinedAt: timestampMs('joined_at').notNull(),
    leftAt: timestampMs('left_at'),
    private: boolean('private').notNull().default(false),
    nodeId: text('node_id'),
  },
  (table) => [index('booth_visits_booth_joined_idx').on(table.boothId, table.joinedAt), index('booth_visits_open_idx').on(table.boothId, table.userId, table.leftAt)],
);

export const privateAliases = pgTable(
  'private_aliases',
  {
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    opaqueId: text('opaque_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.boothId, table.userId] }),
    uniqueIndex('private_aliases_booth_number_idx').on(table.boothId, table.number),
    uniqueIndex('private_aliases_opaque_idx').on(table.opaqueId),
  ],
);

export const fairSettings = pgTable('fair_settings', {
  id: integer('id').primaryKey().default(1),
  name: jsonb('name').$type<Partial<Record<Language, string>>>().notNull(),
  welcome: jsonb('welcome').$type<Partial<Record<Language, string>>>().notNull(),
  startsAt: timestampMs('starts_at'),
  endsAt: timestampMs('ends_at'),
  timeZone: text('time_zone').notNull(),
  contactEmail: text('contact_email'),
  updatedAt: timestampMs('updated_at').notNull(),
});

export const conductVersions = pgTable('conduct_versions', {
  version: integer('version').primaryKey().default(1),
  text: jsonb('text').$type<Partial<Record<Language, string>>>().notNull(),
  publishedBy: text('published_by').references(() => users.id, { onDelete: 'set null' }),
  publishedAt: timestampMs('published_at').notNull(),
});

/**
 * A member's inbox (issue 15): every notice, stored, so nothing is lost while they are offline.
 * `userId` null: a notice for everyone (a fair-wide announcement, a survey opening, a "You
 * said, we did" response), shown to accounts that existed when it was made.
 */
export const inboxNotices = pgTable(
  'inbox_notices',
  {
    id: id(),
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /** What the client needs to say it in the reader's language (no free text beyond what the notice carries). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('inbox_notices_user_idx').on(table.userId, table.id)],
);

/** Which notices each person has read (those for everyone too). */
export const inboxReads = pgTable(
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
export const complaints = pgTable(
  'complaints',
  {
    id: id(),
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
    acknowledgedAt: timestampMs('acknowledged_at'),
    closedAt: timestampMs('closed_at'),
    createdAt: createdAt(),
  },
  (table) => [index('complaints_status_idx').on(table.status, table.createdAt)],
);

/** Each step of a complaint: its status, when, and the reply the filer sees (who took it stays with handlers). */
export const complaintSteps = pgTable(
  'complaint_steps',
  {
    id: id(),
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
export const capabilityGrants = pgTable(
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
export const boothFeedback = pgTable(
  'booth_feedback',
  {
    id: id(),
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
export const surveys = pgTable('surveys', {
  id: id(),
  template: text('template').notNull(),
  /** The questions, per language. */
  questions: jsonb('questions').$type<unknown>().notNull(),
  /** draft → open → closed (and open again) */
  status: text('status').notNull().default('draft'),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  openedAt: timestampMs('opened_at'),
  closedAt: timestampMs('closed_at'),
  createdAt: createdAt(),
});

/** One answer per person and survey, changeable until it closes; `locale` and `role` are for the breakdowns. */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
    locale: text('locale').$type<Language>().notNull(),
    role: text('role').$type<Role>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.surveyId, table.userId] })],
);

/** "You said, we did": what organisers changed, per language, linked to what members said. */
export const responses = pgTable('responses', {
  id: id(),
  title: jsonb('title').$type<Partial<Record<Language, string>>>().notNull(),
  body: jsonb('body').$type<Partial<Record<Language, string>>>().notNull(),
  /** Complaint categories, feedback themes, a survey: what it answers. */
  links: jsonb('links').$type<Record<string, unknown>>().notNull(),
  publishedBy: text('published_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

/**
 * A member asks a booth's staff for a follow-up (issue 16). `share` is what the member agreed
 * to let staff see: nothing beyond it is ever shown or exported. Open until a staff member
 * answers or the fair ends; never silently "missed".
 */
export const contactRequests = pgTable(
  'contact_requests',
  {
    id: id(),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    share: jsonb('share').$type<ContactShare[]>().notNull(),
    status: text('status').$type<ContactStatus>().notNull().default('open'),
    /** The staff member's note with a decline or "we will email you". */
    note: text('note'),
    answeredBy: text('answered_by').references(() => users.id, { onDelete: 'set null' }),
    answeredAt: timestampMs('answered_at'),
    createdAt: createdAt(),
  },
  (table) => [index('contact_requests_booth_idx').on(table.boothId, table.status, table.id), index('contact_requests_member_idx').on(table.memberId, table.id)],
);

/**
 * A private 1:1 text conversation between a member and one staff member, opened by accepting a
 * contact request. `lastSeq` is its sequence counter, bumped in the same transaction as each
 * message insert (as `booths.last_seq` is for booth chat), so numbers stay gap-free on any node.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: id(),
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
export const conversationMessages = pgTable(
  'conversation_messages',
  {
    id: id(),
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
    deletedAt: timestampMs('deleted_at'),
    deletedBy: text('deleted_by'),
  },
  (table) => [
    uniqueIndex('conversation_messages_seq_idx').on(table.conversationId, table.seq),
    uniqueIndex('conversation_messages_client_idx').on(table.userId, table.clientMsgId),
  ],
);

/** A report of a message in a 1:1 conversation, for moderators (booth chat reports are `reports`). */
export const conversationReports = pgTable(
  'conversation_reports',
  {
    id: id(),
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
    resolvedAt: timestampMs('resolved_at'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('conversation_reports_message_reporter_idx').on(table.messageId, table.reporterId), index('conversation_reports_status_idx').on(table.status)],
);

/** A question to a booth (the text-mode way to raise a hand). `votes` counts `question_votes`, kept in the same transaction. */
export const boothQuestions = pgTable(
  'booth_questions',
  {
    id: id(),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    /** The asker's name is hidden from other members (staff and moderators still see it). */
    anonymous: boolean('anonymous').notNull().default(false),
    votes: integer('votes').notNull().default(0),
    answeredAt: timestampMs('answered_at'),
    answeredBy: text('answered_by').references(() => users.id, { onDelete: 'set null' }),
    /** Answered in the booth's chat: the message that answers it. */
    answerMessageId: integer('answer_message_id').references(() => messages.id, { onDelete: 'set null' }),
    deletedAt: timestampMs('deleted_at'),
    deletedBy: text('deleted_by'),
    createdAt: createdAt(),
  },
  (table) => [index('booth_questions_booth_idx').on(table.boothId, table.id)],
);

/** One vote per member and question. */
export const questionVotes = pgTable(
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
export const boothQueue = pgTable(
  'booth_queue',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    boothId: integer('booth_id')
      .notNull()
      .references(() => booths.id, { onDelete: 'cascade' }),
    joinedAt: timestampMs('joined_at').notNull(),
    holdUntil: timestampMs('hold_until'),
    offerExpiresAt: timestampMs('offer_expires_at'),
    /** Offers this member let expire. */
    missedOffers: integer('missed_offers').notNull().default(0),
    /** A staff member let them in ahead of the line. */
    admittedBy: text('admitted_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (table) => [index('booth_queue_booth_idx').on(table.boothId, table.joinedAt)],
);

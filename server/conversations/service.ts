import { and, asc, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Conversation, ConversationMessage } from '../../shared/conversations.js';
import { DELETED_AUTHOR } from '../../shared/deleted-account.js';
import { CHAT_HISTORY_PAGE, CHAT_RATE_MAX_MESSAGES, CHAT_RATE_WINDOW_MS } from '../../shared/limits.js';
import type { ConversationHistoryQuery } from '../../shared/protocol.js';
import type { AuthUser, Clock } from '../auth/service.js';
import type { ChatRateOptions } from '../chat/service.js';
import type { Db } from '../db/open.js';
import { isUniqueViolation, UnconfirmedWriteError, writeDurably } from '../db/storage-errors.js';
import { booths, conversationMessages, conversations, users } from '../db/tables.js';
import { fail, ok, type Result } from '../http/errors.js';
import { memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';

export type ConversationService = ReturnType<typeof createConversationService>;

/** The two people of a conversation and its booth: what every check needs. */
export interface ConversationParties {
  id: number;
  boothId: number;
  memberId: string;
  staffId: string;
}

/** True when `userId` is one of the conversation's two people. */
export const isParty = (conversation: ConversationParties, userId: string): boolean => conversation.memberId === userId || conversation.staffId === userId;

/** A third person learns nothing, not even that the conversation exists. */
export const noSuchConversation = () => fail('NOT_FOUND', 'There is no such conversation.');

/** Built when the service is, after the dialect is chosen (tables.ts). */
const messageColumnsOf = () => ({
  id: conversationMessages.id,
  conversationId: conversationMessages.conversationId,
  seq: conversationMessages.seq,
  clientMsgId: conversationMessages.clientMsgId,
  body: conversationMessages.body,
  createdAt: conversationMessages.createdAt,
  deletedAt: conversationMessages.deletedAt,
  authorId: users.id,
  authorName: users.displayName,
  authorRole: users.role,
  authorDeletedAt: users.deletedAt,
});

export interface MessageRow {
  id: number;
  conversationId: number;
  seq: number;
  clientMsgId: string;
  body: string;
  createdAt: Date;
  deletedAt: Date | null;
  authorId: string;
  authorName: string;
  authorRole: AuthUser['role'];
  authorDeletedAt: Date | null;
}

/** The author as clients see them: an erased account is one marker that links nobody. */
export function authorOf(row: Pick<MessageRow, 'authorId' | 'authorName' | 'authorRole' | 'authorDeletedAt'>): ConversationMessage['author'] {
  return row.authorDeletedAt ? { ...DELETED_AUTHOR } : { id: row.authorId, displayName: row.authorName, role: row.authorRole };
}

/** A removed message (or one whose author erased their account) keeps its place, never its body. */
function toMessage(row: MessageRow): ConversationMessage {
  const removed = row.deletedAt !== null || row.authorDeletedAt !== null;
  const message: ConversationMessage = {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    clientMsgId: row.clientMsgId,
    author: authorOf(row),
    body: removed ? '' : row.body,
    createdAt: row.createdAt.toISOString(),
  };
  if (removed) message.deleted = true;
  return message;
}

/**
 * Private 1:1 conversations (issue 16): the same delivery rules as booth chat. Each message gets
 * the conversation's next sequence number in the transaction that stores it; a repeated
 * clientMsgId from the same person returns the stored message; `ok` means committed.
 */
export function createConversationService(deps: { db: Db; clock: Clock; limiters?: LimiterFactory; rate?: ChatRateOptions }) {
  const { db, clock } = deps;
  const limiters = deps.limiters ?? memoryLimiters;
  // Its own count, at chat's pace: a busy booth chat does not stop a private answer, nor the reverse.
  const rate = limiters({ keyPrefix: 'conversation:rate', points: deps.rate?.maxMessages ?? CHAT_RATE_MAX_MESSAGES, durationMs: deps.rate?.windowMs ?? CHAT_RATE_WINDOW_MS });
  const messageColumns = messageColumnsOf();
  const selectMessages = () => db.select(messageColumns).from(conversationMessages).innerJoin(users, eq(users.id, conversationMessages.userId));
  const inConversation = eq(conversationMessages.conversationId, sql.placeholder('conversationId'));
  const limit = sql.placeholder('limit');
  const ownMessage = selectMessages()
    .where(and(eq(conversationMessages.userId, sql.placeholder('userId')), eq(conversationMessages.clientMsgId, sql.placeholder('clientMsgId'))))
    .prepare();
  const after = selectMessages().where(and(inConversation, gt(conversationMessages.seq, sql.placeholder('seq')))).orderBy(asc(conversationMessages.seq)).limit(limit).prepare();
  const before = selectMessages().where(and(inConversation, lt(conversationMessages.seq, sql.placeholder('seq')))).orderBy(desc(conversationMessages.seq)).limit(limit).prepare();
  const latest = selectMessages().where(inConversation).orderBy(desc(conversationMessages.seq)).limit(limit).prepare();
  // The conversation's counter row hands out the next number in the same transaction as the
  // insert, as booths.last_seq does for chat: unique and gap-free with writers on several nodes.
  const nextSeq = db
    .update(conversations)
    .set({ lastSeq: sql`${conversations.lastSeq} + 1` })
    .where(eq(conversations.id, sql.placeholder('conversationId')))
    .returning({ seq: conversations.lastSeq })
    .prepare();
  const partiesOf = db
    .select({ id: conversations.id, boothId: conversations.boothId, memberId: conversations.memberId, staffId: conversations.staffId })
    .from(conversations)
    .where(eq(conversations.id, sql.placeholder('conversationId')))
    .prepare();

  async function findOwn(userId: string, clientMsgId: string): Promise<ConversationMessage | undefined> {
    const [row] = await ownMessage.execute({ userId, clientMsgId });
    return row && toMessage(row);
  }

  async function parties(conversationId: number): Promise<ConversationParties | undefined> {
    const [row] = await partiesOf.execute({ conversationId });
    return row;
  }

  /** Committed in an explicit transaction, then read back: `ok` means the row is stored. */
  async function store(author: AuthUser, input: { conversationId: number; clientMsgId: string; body: string }): Promise<ConversationMessage> {
    const createdAt = new Date(clock.now());
    await writeDurably(db, async () => {
      const [counter] = await nextSeq.execute({ conversationId: input.conversationId });
      if (!counter) throw new Error(`no conversation ${input.conversationId} to post in`);
      await db.insert(conversationMessages).values({ conversationId: input.conversationId, seq: counter.seq, userId: author.id, clientMsgId: input.clientMsgId, body: input.body, createdAt });
    });
    const stored = await findOwn(author.id, input.clientMsgId);
    if (!stored) throw new UnconfirmedWriteError('the message was not found after its commit');
    return stored;
  }

  /** The stored message for this resend, or a refusal when the clientMsgId belongs to another conversation. */
  function resent(existing: ConversationMessage, conversationId: number): Result<{ message: ConversationMessage; created: boolean }> {
    if (existing.conversationId !== conversationId) return fail('INVALID_PAYLOAD', 'clientMsgId: already used for another conversation', { field: 'clientMsgId' });
    return ok({ message: existing, created: false });
  }

  return {
    parties,

    /**
     * Stores a message from one of the two people. A repeated clientMsgId returns the stored
     * message with `created: false`. Throws a storage error (UNAVAILABLE at the edge) when the
     * message could not be stored; the client keeps it in its outbox and sends it again.
     */
    async send(author: AuthUser, input: { conversationId: number; clientMsgId: string; body: string }): Promise<Result<{ message: ConversationMessage; created: boolean }>> {
      const existing = await findOwn(author.id, input.clientMsgId);
      if (existing) return resent(existing, input.conversationId);
      const overRate = await tryConsume(rate, author.id);
      if (overRate) {
        const retryAfterSeconds = Math.max(1, Math.ceil(overRate.msBeforeNext / 1000));
        return fail('RATE_LIMITED', `You are sending messages too fast. Wait ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
      }
      try {
        return ok({ message: await store(author, input), created: true });
      } catch (err) {
        // Nothing stored counts against no limit, so the client's retry is not refused.
        await rate.reward(author.id).catch(() => undefined);
        // The same clientMsgId stored meanwhile (a resend racing the first send): that one is the message.
        if (isUniqueViolation(err)) {
          const raced = await findOwn(author.id, input.clientMsgId);
          if (raced) return resent(raced, input.conversationId);
        }
        throw err;
      }
    },

    /** A page of messages in sequence order: the latest, older than beforeSeq, or newer than afterSeq. */
    async history(query: ConversationHistoryQuery): Promise<ConversationMessage[]> {
      const pageLimit = query.limit ?? CHAT_HISTORY_PAGE;
      const { conversationId } = query;
      if (query.afterSeq !== undefined) return (await after.execute({ conversationId, seq: query.afterSeq, limit: pageLimit })).map(toMessage);
      const page = query.beforeSeq !== undefined ? await before.execute({ conversationId, seq: query.beforeSeq, limit: pageLimit }) : await latest.execute({ conversationId, limit: pageLimit });
      return page.reverse().map(toMessage);
    },

    /** One message with its conversation's two people (for reports and moderation). */
    async messageById(messageId: number): Promise<{ message: ConversationMessage; authorId: string; authorRole: AuthUser['role']; conversation: ConversationParties } | undefined> {
      const [row] = await selectMessages().where(eq(conversationMessages.id, messageId)).limit(1);
      if (!row) return undefined;
      const conversation = await parties(row.conversationId);
      return conversation && { message: toMessage(row), authorId: row.authorId, authorRole: row.authorRole, conversation };
    },

    /** Soft-deletes: the row stays for the record. False when it was already removed. */
    async softDelete(messageId: number, deletedBy: string): Promise<boolean> {
      const changed = await writeDurably(db, () =>
        db
          .update(conversationMessages)
          .set({ deletedAt: new Date(clock.now()), deletedBy })
          .where(and(eq(conversationMessages.id, messageId), isNull(conversationMessages.deletedAt)))
          .returning({ id: conversationMessages.id }),
      );
      return changed.length > 0;
    },

    /** One person's conversations, the latest opened first, with the other side's name and the booth's. */
    async list(userId: string): Promise<Conversation[]> {
      const member = alias(users, 'member');
      const staff = alias(users, 'staff');
      const rows = await db
        .select({
          row: conversations,
          boothName: booths.name,
          memberName: member.displayName,
          memberDeletedAt: member.deletedAt,
          staffName: staff.displayName,
          staffDeletedAt: staff.deletedAt,
        })
        .from(conversations)
        .innerJoin(booths, eq(booths.id, conversations.boothId))
        .innerJoin(member, eq(member.id, conversations.memberId))
        .innerJoin(staff, eq(staff.id, conversations.staffId))
        .where(or(eq(conversations.memberId, userId), eq(conversations.staffId, userId)))
        .orderBy(desc(conversations.id));
      const party = (id: string, name: string, deletedAt: Date | null) => (deletedAt ? { id: DELETED_AUTHOR.id, displayName: DELETED_AUTHOR.displayName } : { id, displayName: name });
      return rows.map(({ row, boothName, memberName, memberDeletedAt, staffName, staffDeletedAt }) => ({
        id: row.id,
        boothId: row.boothId,
        boothName,
        requestId: row.requestId,
        member: party(row.memberId, memberName, memberDeletedAt),
        staff: party(row.staffId, staffName, staffDeletedAt),
        lastSeq: row.lastSeq,
        createdAt: row.createdAt.toISOString(),
      }));
    },
  };
}

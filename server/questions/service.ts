import { and, asc, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { DELETED_AUTHOR } from '../../shared/deleted-account.js';
import {
  QUESTION_LIST_MAX,
  QUESTION_RATE_MAX_ASKS,
  QUESTION_RATE_MAX_VOTES,
  QUESTION_RATE_WINDOW_MS,
  QUESTION_RESEND_WINDOW_MS,
  type Question,
} from '../../shared/questions.js';
import { can, type Role } from '../../shared/roles.js';
import type { AuthUser, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { lockUntilCommit, UnconfirmedWriteError, writeDurably } from '../db/storage-errors.js';
import { boothQuestions, questionVotes, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import { memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';
import type { AuditLog } from '../moderation/audit.js';

export type QuestionService = ReturnType<typeof createQuestionService>;

/** The question limits (tests that ask many questions on purpose lift them). */
export interface QuestionRateOptions {
  maxAsks?: number;
  maxVotes?: number;
  windowMs?: number;
}

/** Who looks at a question: what they may see of its asker depends on it. */
export type Viewer = Pick<AuthUser, 'id' | 'role' | 'hostedBoothIds'>;

/**
 * A question as stored, with its real asker. Never send one as it is: `viewOf` decides what
 * each viewer may see.
 */
export interface StoredQuestion {
  question: Question;
  /** The asker's account id (also for a deleted account, whose `asker` is the marker). */
  askerId: string;
}

/**
 * What one viewer sees: its asker and the booth's staff get the asker; other members get no
 * asker when it was asked anonymously. `votedByMe` is added by the caller where it is known.
 */
export function viewOf(viewer: Viewer, stored: StoredQuestion, votedByMe?: boolean): Question {
  const { question } = stored;
  const view: Question = { ...question };
  if (stored.askerId === viewer.id) view.mine = true;
  else if (question.anonymous && !can(viewer, 'booth:staff', { boothId: question.boothId })) view.asker = null;
  if (votedByMe !== undefined) view.votedByMe = votedByMe;
  return view;
}

/** The view of members other than the asker, the booth's staff and anyone whose vote just changed. */
export function publicView(stored: StoredQuestion): Question {
  const { question } = stored;
  return question.anonymous ? { ...question, asker: null } : { ...question };
}

const rateLimited = (what: string, msBeforeNext: number): Failure => {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return fail('RATE_LIMITED', `You are ${what} too fast. Wait ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
};

/**
 * The booths' questions and their votes, in the database. `votes` is kept equal to the count of
 * the question's rows in question_votes, in the transaction that changes them.
 */
export function createQuestionService(deps: { db: Db; clock: Clock; audit: AuditLog; limiters?: LimiterFactory; rate?: QuestionRateOptions }) {
  const { db, clock, audit } = deps;
  const limiters = deps.limiters ?? memoryLimiters;
  const windowMs = deps.rate?.windowMs ?? QUESTION_RATE_WINDOW_MS;
  // Where `limiters` keeps counts: in Redis with several nodes, so tabs on two nodes share one limit.
  const asks = limiters({ keyPrefix: 'question:ask', points: deps.rate?.maxAsks ?? QUESTION_RATE_MAX_ASKS, durationMs: windowMs });
  const votes = limiters({ keyPrefix: 'question:vote', points: deps.rate?.maxVotes ?? QUESTION_RATE_MAX_VOTES, durationMs: windowMs });
  // Aliases are made with the service, after the dialect is chosen (tables.ts).
  const asker = alias(users, 'asker');
  const answerer = alias(users, 'answerer');

  const columns = {
    row: boothQuestions,
    askerName: asker.displayName,
    askerRole: asker.role,
    askerDeletedAt: asker.deletedAt,
    answererName: answerer.displayName,
    answererRole: answerer.role,
    answererDeletedAt: answerer.deletedAt,
  };
  const selectQuestions = () =>
    db.select(columns).from(boothQuestions).innerJoin(asker, eq(asker.id, boothQuestions.userId)).leftJoin(answerer, eq(answerer.id, boothQuestions.answeredBy));
  type Row = Awaited<ReturnType<ReturnType<typeof selectQuestions>['execute']>>[number];

  const oneById = selectQuestions().where(eq(boothQuestions.id, sql.placeholder('id'))).limit(1).prepare();
  const openFirst = sql`case when ${boothQuestions.answeredAt} is null then 0 else 1 end`;
  const openVotes = sql`case when ${boothQuestions.answeredAt} is null then ${boothQuestions.votes} else 0 end`;
  const ofBooth = selectQuestions()
    .where(and(eq(boothQuestions.boothId, sql.placeholder('boothId')), isNull(boothQuestions.deletedAt)))
    .orderBy(asc(openFirst), desc(openVotes), desc(boothQuestions.answeredAt), asc(boothQuestions.id))
    .limit(QUESTION_LIST_MAX)
    .prepare();
  const votesOf = db
    .select({ questionId: questionVotes.questionId })
    .from(questionVotes)
    .innerJoin(boothQuestions, eq(boothQuestions.id, questionVotes.questionId))
    .where(and(eq(questionVotes.userId, sql.placeholder('userId')), eq(boothQuestions.boothId, sql.placeholder('boothId'))))
    .prepare();
  const hasVote = db
    .select({ questionId: questionVotes.questionId })
    .from(questionVotes)
    .where(and(eq(questionVotes.questionId, sql.placeholder('questionId')), eq(questionVotes.userId, sql.placeholder('userId'))))
    .limit(1)
    .prepare();

  /** A deleted account shows as the one marker that links nobody. */
  function person(name: string | null, role: Role, userId: string, deletedAt: Date | null): { id: string; displayName: string; role: Role } {
    return deletedAt ? { ...DELETED_AUTHOR } : { id: userId, displayName: name ?? '', role };
  }

  function toStored({ row, ...joined }: Row): StoredQuestion {
    const removed = row.deletedAt !== null;
    const question: Question = {
      id: row.id,
      boothId: row.boothId,
      body: removed ? '' : row.body,
      votes: row.votes,
      asker: person(joined.askerName, joined.askerRole, row.userId, joined.askerDeletedAt),
      anonymous: row.anonymous,
      answered: row.answeredAt
        ? {
            at: row.answeredAt.toISOString(),
            by: row.answeredBy && joined.answererRole ? person(joined.answererName, joined.answererRole, row.answeredBy, joined.answererDeletedAt) : null,
            messageId: row.answerMessageId,
          }
        : null,
      createdAt: row.createdAt.toISOString(),
    };
    if (removed) question.removed = true;
    return { question, askerId: row.userId };
  }

  async function byId(questionId: number): Promise<StoredQuestion | undefined> {
    const [row] = await oneById.execute({ id: questionId });
    return row && toStored(row);
  }

  /** Read back after the commit: `ok` means it is stored. */
  async function confirmed(questionId: number): Promise<StoredQuestion> {
    const stored = await byId(questionId);
    if (!stored) throw new UnconfirmedWriteError('the question was not found after its commit');
    return stored;
  }

  return {
    byId,

    /** The booth a question is in (for the authorization scope), or undefined when there is no such question. */
    async boothOf(questionId: number): Promise<number | undefined> {
      return (await byId(questionId))?.question.boothId;
    },

    /**
     * Stores a new question (`created: true`). `anonymous` is the caller's decision (a private
     * visit is always anonymous). The same text from the same person in the same booth within
     * QUESTION_RESEND_WINDOW_MS is a resend (an ack lost on a poor link): it answers the stored
     * question with `created: false`, and stores nothing.
     */
    async ask(user: AuthUser, input: { boothId: number; body: string; anonymous: boolean }): Promise<Result<{ stored: StoredQuestion; created: boolean }>> {
      const since = new Date(clock.now() - QUESTION_RESEND_WINDOW_MS);
      const resent = () =>
        db
          .select({ id: boothQuestions.id })
          .from(boothQuestions)
          .where(
            and(
              eq(boothQuestions.userId, user.id),
              eq(boothQuestions.boothId, input.boothId),
              eq(boothQuestions.body, input.body),
              isNull(boothQuestions.deletedAt),
              gt(boothQuestions.createdAt, since),
            ),
          )
          .limit(1);
      const [earlier] = await resent();
      if (earlier) return ok({ stored: await confirmed(earlier.id), created: false });
      const over = await tryConsume(asks, user.id);
      if (over) return rateLimited('asking questions', over.msBeforeNext);
      let outcome: { id: number; created: boolean };
      try {
        outcome = await writeDurably(db, async () => {
          // One person's resends on any node: the second finds the first's row.
          await lockUntilCommit(`question-ask:${user.id}`, input.boothId);
          const [again] = await resent();
          if (again) return { id: again.id, created: false };
          const [row] = await db
            .insert(boothQuestions)
            .values({ boothId: input.boothId, userId: user.id, body: input.body, anonymous: input.anonymous, votes: 0, createdAt: new Date(clock.now()) })
            .returning({ id: boothQuestions.id });
          return { id: row!.id, created: true };
        });
      } catch (err) {
        // Nothing was stored: the retry is not refused for it.
        await asks.reward(user.id).catch(() => undefined);
        throw err;
      }
      if (!outcome.created) await asks.reward(user.id).catch(() => undefined);
      return ok({ stored: await confirmed(outcome.id), created: outcome.created });
    },

    /**
     * Adds (`on`) or withdraws a vote. A second vote, or withdrawing none, changes nothing
     * (`changed: false`, same count). The question's row is locked for the transaction, so
     * concurrent votes on any node count once each and `votes` stays the count of its rows.
     */
    async vote(user: AuthUser, questionId: number, on: boolean): Promise<Result<{ stored: StoredQuestion; changed: boolean }>> {
      const current = await byId(questionId);
      if (!current || current.question.removed) return fail('NOT_FOUND', 'There is no such question.');
      if (current.askerId === user.id) return fail('FORBIDDEN', 'You cannot vote for your own question.');
      if (current.question.answered) return fail('CONFLICT', 'This question has been answered; its votes are closed.');
      const [already] = await hasVote.execute({ questionId, userId: user.id });
      // Nothing to change: answered at once, without counting against the vote limit.
      if (Boolean(already) === on) return ok({ stored: current, changed: false });
      const over = await tryConsume(votes, user.id);
      if (over) return rateLimited('voting', over.msBeforeNext);
      const outcome = await writeDurably(db, async (): Promise<Result<boolean>> => {
        await lockUntilCommit('question-votes', questionId);
        const [row] = await db
          .select({ answeredAt: boothQuestions.answeredAt, deletedAt: boothQuestions.deletedAt })
          .from(boothQuestions)
          .where(eq(boothQuestions.id, questionId));
        if (!row || row.deletedAt) return fail('NOT_FOUND', 'There is no such question.');
        if (row.answeredAt) return fail('CONFLICT', 'This question has been answered; its votes are closed.');
        const changed = on
          ? await db.insert(questionVotes).values({ questionId, userId: user.id, createdAt: new Date(clock.now()) }).onConflictDoNothing().returning({ userId: questionVotes.userId })
          : await db
              .delete(questionVotes)
              .where(and(eq(questionVotes.questionId, questionId), eq(questionVotes.userId, user.id)))
              .returning({ userId: questionVotes.userId });
        if (changed.length === 0) return ok(false);
        await db
          .update(boothQuestions)
          .set({ votes: sql`(select count(*) from ${questionVotes} where ${questionVotes.questionId} = ${questionId})` })
          .where(eq(boothQuestions.id, questionId));
        return ok(true);
      });
      if (!outcome.ok) return outcome;
      return ok({ stored: await confirmed(questionId), changed: outcome.data });
    },

    /**
     * Marks a question answered by `actor`, with the chat message that answers it if there is one.
     * Answering it again changes nothing, except that a message not yet linked is linked now.
     */
    async answer(actor: AuthUser, questionId: number, messageId: number | undefined): Promise<Result<{ stored: StoredQuestion; changed: boolean }>> {
      const changed = await writeDurably(db, async (): Promise<Result<boolean>> => {
        const [row] = await db
          .select({ answeredAt: boothQuestions.answeredAt, answerMessageId: boothQuestions.answerMessageId, deletedAt: boothQuestions.deletedAt })
          .from(boothQuestions)
          .where(eq(boothQuestions.id, questionId));
        if (!row || row.deletedAt) return fail('NOT_FOUND', 'There is no such question.');
        if (row.answeredAt && (messageId === undefined || row.answerMessageId === messageId)) return ok(false);
        const values = row.answeredAt
          ? { answerMessageId: messageId }
          : { answeredAt: new Date(clock.now()), answeredBy: actor.id, answerMessageId: messageId ?? null };
        await db.update(boothQuestions).set(values).where(eq(boothQuestions.id, questionId));
        return ok(true);
      });
      if (!changed.ok) return changed;
      return ok({ stored: await confirmed(questionId), changed: changed.data });
    },

    /** Takes a question down, with its audit line, in one transaction. */
    async remove(actor: AuthUser, questionId: number, reason: string | undefined): Promise<Result<StoredQuestion>> {
      const current = await byId(questionId);
      if (!current || current.question.removed) return fail('NOT_FOUND', current ? 'This question has already been removed.' : 'There is no such question.');
      const removed = await audit.together(
        async () =>
          (
            await db
              .update(boothQuestions)
              .set({ deletedAt: new Date(clock.now()), deletedBy: actor.id })
              .where(and(eq(boothQuestions.id, questionId), isNull(boothQuestions.deletedAt)))
              .returning({ id: boothQuestions.id })
          ).length > 0,
        (done) =>
          done
            ? {
                actorId: actor.id,
                action: 'question:remove',
                targetUserId: current.askerId,
                boothId: current.question.boothId,
                reason: reason || null,
                details: { questionId },
              }
            : null,
      );
      if (!removed) return fail('NOT_FOUND', 'This question has already been removed.');
      return ok(await confirmed(questionId));
    },

    /** The booth's questions in list order (compareQuestions), without removed ones, each with whether `viewer` voted for it. */
    async list(viewer: Viewer, boothId: number): Promise<Question[]> {
      const [rows, voted] = await Promise.all([ofBooth.execute({ boothId }), votesOf.execute({ userId: viewer.id, boothId })]);
      const mine = new Set(voted.map((vote) => vote.questionId));
      return rows.map((row) => viewOf(viewer, toStored(row), mine.has(row.row.id)));
    },
  };
}

import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  ABUSE_RECONNECT_COOLDOWN_MS,
  CHAT_HISTORY_MAX_PAGE,
  CHAT_HISTORY_PAGE,
  COMMAND_BUDGET_ACCOUNT_POINTS,
  COMMAND_BUDGET_SOCKET_POINTS,
  COMMAND_BUDGET_WINDOW_SECONDS,
  COMMAND_REFUSALS_BEFORE_DISCONNECT,
} from '../../shared/limits.js';
import type { CommandName } from '../../shared/protocol.js';
import { fail, type Failure } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { memoryLimiters, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';
import type { FairSocket } from './types.js';

/**
 * Points per command, by the work it makes the server do: a history page reads and sends up
 * to a hundred rows, a join touches presence, the visit log and a history page and tells the
 * whole booth; a chat message is one row and one broadcast (and has its own rate limit too).
 */
export const COMMAND_COST_POINTS: Record<CommandName, number> = {
  'booth:join': 5,
  'booth:leave': 2,
  'presence:list': 5,
  'chat:send': 1,
  'chat:history': 1,
  'hand:raise': 2,
  'hand:lower': 2,
  'hand:list': 1,
  'hand:grant': 2,
  'hand:revoke': 2,
  'video:mute-track': 2,
  'video:remove': 2,
  'chat:delete': 1,
  'chat:pin': 1,
  'moderation:mute': 1,
  'moderation:unmute': 1,
  'moderation:kick': 2,
  'moderation:ban': 2,
  'moderation:unban': 1,
  'booth:update': 3,
  'booth:edit': 3,
  'schedule:add': 2,
  'schedule:remove': 2,
  'report:create': 2,
  'report:resolve': 1,
  'announcement:create': 3,
  // A queue change is one transaction under the booth's lock and a frame to each person whose place moved.
  'queue:join': 3,
  'queue:leave': 2,
  'queue:list': 2,
  'queue:admit': 2,
  'contact:request': 2,
  'contact:answer': 2,
  'question:ask': 1,
  'question:list': 3,
  'question:vote': 1,
  'question:unvote': 1,
  'question:answer': 1,
  'question:remove': 1,
  'conversation:send': 1,
  'conversation:history': 1,
  'conversation:report': 2,
  'conversation:delete': 1,
  'conversation:resolve': 1,
};
/** Messages a command's page costs one extra point per. */
const MESSAGES_PER_POINT = 10;

/** The history rows a payload asks for, read from the raw payload (it is not parsed yet). */
function requestedRows(payload: unknown, field: 'limit' | 'historyLimit'): number {
  const value = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return CHAT_HISTORY_PAGE;
  return Math.min(CHAT_HISTORY_MAX_PAGE, Math.max(1, value));
}

/** What one command costs: its base points, plus a point per ten history rows it asks for. */
export function commandCost(command: CommandName, payload: unknown): number {
  const base = COMMAND_COST_POINTS[command];
  if (command === 'chat:history' || command === 'conversation:history') return base + Math.ceil(requestedRows(payload, 'limit') / MESSAGES_PER_POINT);
  if (command === 'booth:join') return base + Math.ceil(requestedRows(payload, 'historyLimit') / MESSAGES_PER_POINT);
  return base;
}

/** Points per key and window, in a rate-limiter-flexible limiter (memory, or Redis with several nodes). */
export interface BudgetStore {
  /** Takes `points` from `key`'s budget: 0 when granted, else the milliseconds until it would be. */
  take(key: string, points: number): Promise<number>;
  forget(key: string): void;
}

export function createBudgetStore(limiter: RateLimiterAbstract): BudgetStore {
  return {
    take: async (key, cost) => {
      const refusal = await tryConsume(limiter, key, cost);
      return refusal ? Math.max(1, refusal.msBeforeNext) : 0;
    },
    forget(key) {
      // Only a clean-up: a key not deleted expires with its window.
      limiter.delete(key).catch(() => undefined);
    },
  };
}

export interface CommandBudgetOptions {
  socketPoints?: number;
  accountPoints?: number;
  windowSeconds?: number;
  refusalsBeforeDisconnect?: number;
  reconnectCooldownMs?: number;
}

export type CommandBudget = ReturnType<typeof createCommandBudget>;

/**
 * Per-socket and per-account command budgets. A socket that keeps hammering past its budget
 * (COMMAND_REFUSALS_BEFORE_DISCONNECT refusals in a window) is disconnected, logged, and its
 * account may not reconnect for a short cool-down, so a reconnect loop costs nothing either.
 *
 * A socket lives on one node, so its budget stays in this process's memory. The account's
 * budget and its cool-down are fair-wide: they live where `limiters` keeps counts (Redis with
 * several nodes), so tabs on other nodes share one budget and a cut-off account is refused on
 * every node.
 */
export function createCommandBudget(logger: Logger, options: CommandBudgetOptions = {}, now: () => number = Date.now, limiters: LimiterFactory = memoryLimiters) {
  const windowSeconds = options.windowSeconds ?? COMMAND_BUDGET_WINDOW_SECONDS;
  const windowMs = windowSeconds * 1000;
  const refusalsBeforeDisconnect = options.refusalsBeforeDisconnect ?? COMMAND_REFUSALS_BEFORE_DISCONNECT;
  const cooldownMs = options.reconnectCooldownMs ?? ABUSE_RECONNECT_COOLDOWN_MS;
  const sockets = createBudgetStore(memoryLimiters({ keyPrefix: 'budget:socket', points: options.socketPoints ?? COMMAND_BUDGET_SOCKET_POINTS, durationMs: windowMs }));
  const accounts = createBudgetStore(limiters({ keyPrefix: 'budget:account', points: options.accountPoints ?? COMMAND_BUDGET_ACCOUNT_POINTS, durationMs: windowMs }));
  /** Accounts cut off for abuse: a blocked key until the cool-down ends. */
  const coolingDown = limiters({ keyPrefix: 'budget:cooldown', points: 1, durationMs: cooldownMs });

  return {
    /** Until when this account's new connections are refused (ms epoch), or null. */
    async cooldownUntil(userId: string): Promise<number | null> {
      const state = await coolingDown.get(userId);
      return state && state.consumedPoints > 0 && state.msBeforeNext > 0 ? Date.now() + state.msBeforeNext : null;
    },

    /**
     * Admits or refuses one command of one socket. null: go ahead; a failure: answer it and do
     * not run the command. The socket's window of refusals lives in `socket.data`, so nothing
     * per connection is built until it first sends a command.
     */
    async admit(socket: FairSocket, command: CommandName, payload: unknown): Promise<Failure | null> {
      const userId = socket.data.user.id;
      const at = now();
      let window = socket.data.budget;
      if (!window || at - window.startedAt >= windowMs) {
        window = { startedAt: at, refusals: 0, counts: {} };
        socket.data.budget = window;
      }
      // Per window: refusals, and commands by name (for the log line; never payloads).
      window.counts[command] = (window.counts[command] ?? 0) + 1;
      const cost = commandCost(command, payload);
      const socketWaitMs = await sockets.take(socket.id, cost);
      const waitMs = socketWaitMs > 0 ? socketWaitMs : await accounts.take(userId, cost);
      if (waitMs <= 0) return null;
      window.refusals++;
      if (window.refusals === refusalsBeforeDisconnect) {
        logger.warn({ userId, socketId: socket.id, refusals: window.refusals, windowSeconds, commands: window.counts }, 'command budget abused; disconnecting');
        // Set before the socket goes, so its reconnect finds the cool-down, on whichever node.
        await coolingDown.block(userId, cooldownMs / 1000).finally(() => socket.disconnect(true));
      }
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      return fail('RATE_LIMITED', `Too many requests; wait ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    },

    /** A socket closed: its budget is forgotten (the account's stays). */
    forget(socketId: string): void {
      sockets.forget(socketId);
    },
  };
}

import { hostname } from 'node:os';
import { z } from 'zod';
import { PRESENCE_GRACE_MS, PRESENCE_NODE_TIMEOUT_MS, QUEUE_HOLD_MS } from '../shared/limits.js';
import { parseTrustProxy, type TrustProxy } from './http/client-address.js';

const NODE_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const METRICS_TOKEN_MIN_CHARS = 16;

/** `hostname-pid`, cut to what NODE_ID allows: unique per process on one machine, readable in logs. */
export function defaultNodeId(): string {
  const host = hostname().split('.')[0]!.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'node';
  return `${host}-${process.pid}`;
}

/** A connection URL with its password hidden, for logs and messages. */
export function redactUrl(address: string): string {
  const url = new URL(address);
  if (url.password) url.password = '***';
  return url.toString();
}

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/**
 * The whole environment, parsed once at start-up. Every variable has a default for the
 * embedded mode, so `npm start` needs none. Documented for operators in `.env.example`.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('production turns off demo seeding'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port'),
    HOST: z.string().min(1).optional().describe('interface to listen on; all interfaces when unset'),
    PUBLIC_URL: z.url().optional().describe('address members use, for invite links; http://localhost:PORT when unset'),
    DATABASE_PATH: z.string().min(1).default('data/fair.db').describe('SQLite file, created if missing'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
      .optional()
      .describe('PostgreSQL instead of the SQLite file (scaled mode): postgres://user:password@host:5432/fair'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
      .optional()
      .describe('Redis for the scaled mode (Socket.IO broadcasts between nodes): redis://host:6379'),
    REDIS_KEY_PREFIX: z.string().min(1).max(64).default('fair:').describe('prefix of every Redis key and stream this fair uses'),
    SEED_DEMO: booleanFlag.optional().describe('seed the demo fair into an empty database; default true except in production'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((raw, ctx): TrustProxy => {
        const parsed = parseTrustProxy(raw);
        if (parsed.ok) return parsed.value;
        ctx.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      })
      .describe('reverse proxies whose X-Forwarded-* to believe: false, a hop count (1), or their addresses/CIDRs; never true'),
    SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
    INVITE_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
    PRESENCE_GRACE_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(PRESENCE_GRACE_MS)
      .describe('how long a dropped connection stays present, in milliseconds (tests shorten it)'),
    PRESENCE_NODE_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(600_000)
      .default(PRESENCE_NODE_TIMEOUT_MS)
      .describe('scaled mode: a node not heard from in Redis for this long is taken for dead, and its members go to the grace period'),
    QUEUE_HOLD_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(QUEUE_HOLD_MS)
      .describe('how long a place in a full booth\'s queue is kept after the member\'s last connection drops, in milliseconds'),
    FAIR_ENDS_AT: z.iso
      .datetime({ offset: true })
      .or(z.iso.date())
      .optional()
      .describe('when the fair ends: ISO date-time with Z or an offset, or a date (the end of that day, UTC); retention counts from it; nothing is deleted while unset'),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90).describe('days after the fair ends that chat messages, visit records, private conversations, questions, contact requests and inbox notices are kept'),
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365).describe('days after the fair ends that the audit log and ended restrictions are kept'),
    PASSKEYS_REQUIRED_FOR_STAFF: booleanFlag
      .default(false)
      .describe('hosts, moderators and admins who have a passkey must use it: their password no longer signs them in'),
    NODE_ID: z
      .string()
      .regex(NODE_ID_PATTERN, 'letters, digits, ".", "_" and "-" only, at most 64')
      .optional()
      .describe('this server process in logs, /healthz and metrics; hostname-pid when unset'),
    METRICS_TOKEN: z
      .string()
      .min(METRICS_TOKEN_MIN_CHARS, `at least ${METRICS_TOKEN_MIN_CHARS} characters (e.g. openssl rand -hex 32)`)
      .optional()
      .describe('bearer token for GET /metrics on the public port; /metrics answers 404 there when unset'),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional().describe('internal port serving /metrics and /healthz without a token; off when unset'),
    METRICS_HOST: z.string().min(1).default('127.0.0.1').describe('interface of METRICS_PORT; loopback unless a scraper on another host needs it'),
    COMPLAINT_ACK_TARGET_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(48)
      .describe('hours within which a complaint should be acknowledged; later ones are flagged overdue in the organisers\' list'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
      .optional()
      .describe('mail server for invitations and password resets: smtps://user:password@mail.example.org:465; unset: emails are written to the server log instead'),
    MAIL_FROM: z.string().min(3).max(200).optional().describe('sender of every email, e.g. "Digital Fair <fair@example.org>"; required with SMTP_URL'),
    LIVEKIT_URL: z.url().optional().describe('wss:// address of the LiveKit server; video is off when unset'),
    LIVEKIT_API_KEY: z.string().min(1).optional(),
    LIVEKIT_API_SECRET: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    const livekit = [env.LIVEKIT_URL, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET];
    const set = livekit.filter((value) => value !== undefined).length;
    if (set !== 0 && set !== 3) {
      ctx.addIssue({ code: 'custom', path: ['LIVEKIT_URL'], message: 'set all three LIVEKIT_* variables, or none' });
    }
    if (env.SMTP_URL !== undefined && env.MAIL_FROM === undefined) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_FROM'], message: 'set the sender address when SMTP_URL is set' });
    }
    // Several nodes share the database: a node that starts closes the visits it opened before,
    // found by its name, so the name must survive restarts (the default, hostname-pid, does not).
    if (env.DATABASE_URL !== undefined && env.NODE_ID === undefined) {
      ctx.addIssue({ code: 'custom', path: ['NODE_ID'], message: 'set a stable name for this node (node-1, node-2…) when DATABASE_URL is set' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string | undefined;
  publicUrl: string;
  databasePath: string;
  /** PostgreSQL (scaled mode) instead of the SQLite file at `databasePath`; null: SQLite. */
  databaseUrl: string | null;
  /** Redis (scaled mode); null: one process, nothing shared. */
  redisUrl: string | null;
  redisKeyPrefix: string;
  seedDemo: boolean;
  logLevel: Env['LOG_LEVEL'];
  /** Proxies whose X-Forwarded-* headers are believed (`compileTrustProxy` turns it into the rule). */
  trustProxy: TrustProxy;
  sessionTtlMs: number;
  inviteTtlMs: number;
  /** A complaint still unacknowledged this long after it came in is overdue (COMPLAINT_ACK_TARGET_HOURS). */
  complaintAckTargetMs: number;
  presenceGraceMs: number;
  /** Scaled mode: a node silent in Redis this long is dead; its connections go to the grace period. */
  presenceNodeTimeoutMs: number;
  /** A place in a booth's queue survives a dropped connection this long (QUEUE_HOLD_MS). */
  queueHoldMs: number;
  /** Staff with a passkey may not sign in with their password. */
  passkeysRequiredForStaff: boolean;
  livekit: { url: string; apiKey: string; apiSecret: string } | null;
  /** Outgoing email: sent through `smtpUrl`, or (null) written to the server log. */
  mail: { smtpUrl: string | null; from: string };
  /** Read it through `fairEndsAt()` in server/privacy/fair-dates.ts (organiser settings will replace it). */
  fairEndsAt: Date | null;
  retentionMs: number;
  auditRetentionMs: number;
  /** Names this process in every log line, /healthz and the metrics (NODE_ID). */
  nodeId: string;
  /** Who may read /metrics: with `token` on the public port; without one on `port` (bound to `host`). */
  metrics: { token: string | null; port: number | null; host: string };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A bare date means the fair runs to the end of that day (UTC). */
function fairEnd(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const at = new Date(value);
  return value.includes('T') ? at : new Date(at.getTime() + DAY_MS);
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses the environment; a bad value yields every problem at once, never a half-built config. */
export function loadConfig(source: NodeJS.ProcessEnv): ConfigResult {
  const input = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    };
  }
  const env = parsed.data;
  const livekit =
    env.LIVEKIT_URL && env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET
      ? { url: env.LIVEKIT_URL, apiKey: env.LIVEKIT_API_KEY, apiSecret: env.LIVEKIT_API_SECRET }
      : null;
  return {
    ok: true,
    config: {
      env: env.NODE_ENV,
      port: env.PORT,
      host: env.HOST,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
      databasePath: env.DATABASE_PATH,
      databaseUrl: env.DATABASE_URL ?? null,
      redisUrl: env.REDIS_URL ?? null,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      seedDemo: env.SEED_DEMO ?? env.NODE_ENV !== 'production',
      logLevel: env.LOG_LEVEL,
      trustProxy: env.TRUST_PROXY,
      sessionTtlMs: env.SESSION_TTL_HOURS * HOUR_MS,
      inviteTtlMs: env.INVITE_TTL_HOURS * HOUR_MS,
      complaintAckTargetMs: env.COMPLAINT_ACK_TARGET_HOURS * HOUR_MS,
      presenceGraceMs: env.PRESENCE_GRACE_MS,
      presenceNodeTimeoutMs: env.PRESENCE_NODE_TIMEOUT_MS,
      queueHoldMs: env.QUEUE_HOLD_MS,
      passkeysRequiredForStaff: env.PASSKEYS_REQUIRED_FOR_STAFF,
      livekit,
      mail: { smtpUrl: env.SMTP_URL ?? null, from: env.MAIL_FROM ?? 'Digital Fair <fair@localhost>' },
      fairEndsAt: fairEnd(env.FAIR_ENDS_AT),
      retentionMs: env.RETENTION_DAYS * DAY_MS,
      auditRetentionMs: env.AUDIT_RETENTION_DAYS * DAY_MS,
      nodeId: env.NODE_ID ?? defaultNodeId(),
      metrics: { token: env.METRICS_TOKEN ?? null, port: env.METRICS_PORT ?? null, host: env.METRICS_HOST },
    },
  };
}

import { z } from 'zod';

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
    SEED_DEMO: booleanFlag.optional().describe('seed the demo fair into an empty database; default true except in production'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: booleanFlag.default(false).describe('trust X-Forwarded-* from a reverse proxy (needed for Secure cookies behind TLS)'),
    SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 14),
    INVITE_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
    PASSKEYS_REQUIRED_FOR_STAFF: booleanFlag
      .default(false)
      .describe('hosts, moderators and admins who have a passkey must use it: their password no longer signs them in'),
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
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string | undefined;
  publicUrl: string;
  databasePath: string;
  seedDemo: boolean;
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  sessionTtlMs: number;
  inviteTtlMs: number;
  /** Staff with a passkey may not sign in with their password. */
  passkeysRequiredForStaff: boolean;
  livekit: { url: string; apiKey: string; apiSecret: string } | null;
}

const HOUR_MS = 3_600_000;

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
      seedDemo: env.SEED_DEMO ?? env.NODE_ENV !== 'production',
      logLevel: env.LOG_LEVEL,
      trustProxy: env.TRUST_PROXY,
      sessionTtlMs: env.SESSION_TTL_HOURS * HOUR_MS,
      inviteTtlMs: env.INVITE_TTL_HOURS * HOUR_MS,
      passkeysRequiredForStaff: env.PASSKEYS_REQUIRED_FOR_STAFF,
      livekit,
    },
  };
}

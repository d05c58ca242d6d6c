import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('runs the embedded default with no variables at all', () => {
    const result = loadConfig({});
    expect(result.ok && result.config).toMatchObject({ port: 3000, databasePath: 'data/fair.db', seedDemo: true, livekit: null });
  });

  it('does not seed in production unless asked', () => {
    const prod = loadConfig({ NODE_ENV: 'production' });
    expect(prod.ok && prod.config.seedDemo).toBe(false);
    const asked = loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' });
    expect(asked.ok && asked.config.seedDemo).toBe(true);
  });

  it('sends email only with SMTP_URL, which needs MAIL_FROM, and names a wrong one', () => {
    expect(loadConfig({}).ok && loadConfig({})).toMatchObject({ config: { mail: { smtpUrl: null } } });
    const smtp = loadConfig({ SMTP_URL: 'smtps://fair:secret@mail.example.org:465', MAIL_FROM: 'Digital Fair <fair@example.org>' });
    expect(smtp.ok && smtp.config.mail).toEqual({ smtpUrl: 'smtps://fair:secret@mail.example.org:465', from: 'Digital Fair <fair@example.org>' });
    const noSender = loadConfig({ SMTP_URL: 'smtp://mail.example.org' });
    expect(noSender.ok || noSender.problems).toEqual(['MAIL_FROM: set the sender address when SMTP_URL is set']);
    const wrong = loadConfig({ SMTP_URL: 'https://mail.example.org', MAIL_FROM: 'fair@example.org' });
    expect(wrong.ok || wrong.problems).toEqual(['SMTP_URL: an smtp:// or smtps:// URL']);
  });

  it('lists every bad variable at once', () => {
    const result = loadConfig({ PORT: 'eighty', SEED_DEMO: 'maybe', LIVEKIT_URL: 'wss://lk.example.org' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'SEED_DEMO']));
  });

  it('runs on PostgreSQL and Redis only when given their URLs, and names a wrong one', () => {
    expect(loadConfig({}).ok && loadConfig({})).toMatchObject({ config: { databaseUrl: null, redisUrl: null, redisKeyPrefix: 'fair:' } });
    const scaled = loadConfig({ DATABASE_URL: 'postgres://fair@db:5432/fair', REDIS_URL: 'redis://cache:6379', REDIS_KEY_PREFIX: 'fair2026:', NODE_ID: 'node-1' });
    expect(scaled.ok && scaled.config).toMatchObject({ databaseUrl: 'postgres://fair@db:5432/fair', redisUrl: 'redis://cache:6379', redisKeyPrefix: 'fair2026:' });
    const wrong = loadConfig({ DATABASE_URL: 'mysql://db/fair', REDIS_URL: 'http://cache' });
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'NODE_ID', 'REDIS_URL']);
  });

  it('wants all three LiveKit variables or none', () => {
    const partial = loadConfig({ LIVEKIT_URL: 'wss://lk.example.org', LIVEKIT_API_KEY: 'key' });
    expect(partial.ok).toBe(false);
    const full = loadConfig({ LIVEKIT_URL: 'wss://lk.example.org', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'secret' });
    expect(full.ok && full.config.livekit).toEqual({ url: 'wss://lk.example.org', apiKey: 'key', apiSecret: 'secret' });
  });

  describe('TRUST_PROXY', () => {
    it('trusts no proxy by default, and for false or 0', () => {
      for (const env of [{}, { TRUST_PROXY: 'false' }, { TRUST_PROXY: '0' }]) {
        const result = loadConfig(env);
        expect(result.ok && result.config.trustProxy).toBe(false);
      }
    });

    it('takes a hop count', () => {
      const result = loadConfig({ TRUST_PROXY: '1' });
      expect(result.ok && result.config.trustProxy).toBe(1);
    });

    it('takes a list of proxy addresses, CIDR subnets and named subnets', () => {
      const result = loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' });
      expect(result.ok && result.config.trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    });

    it.each(['true', 'TRUE', 'all', '*'])('refuses %s: trusting every proxy lets clients pick their own address', (value) => {
      const result = loadConfig({ TRUST_PROXY: value });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(/^TRUST_PROXY: must not trust every proxy.*number of proxies.*\(e\.g\. 1\)/);
    });

    it('names the entries it cannot read', () => {
      const result = loadConfig({ TRUST_PROXY: '10.0.0.0/33,nginx,127.0.0.1' });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems[0]).toMatch(/^TRUST_PROXY: .*10\.0\.0\.0\/33, nginx/);
    });
  });
});

describe('retention settings', () => {
  it('keeps everything while the fair has no end date', () => {
    const result = loadConfig({});
    expect(result.ok && result.config).toMatchObject({ fairEndsAt: null, retentionMs: 90 * 86_400_000, auditRetentionMs: 365 * 86_400_000 });
  });

  it('reads a date-time with its offset, and a bare date as the end of that day', () => {
    const exact = loadConfig({ FAIR_ENDS_AT: '2026-11-20T18:00:00+01:00' });
    expect(exact.ok && exact.config.fairEndsAt?.toISOString()).toBe('2026-11-20T17:00:00.000Z');
    const day = loadConfig({ FAIR_ENDS_AT: '2026-11-20' });
    expect(day.ok && day.config.fairEndsAt?.toISOString()).toBe('2026-11-21T00:00:00.000Z');
  });

  it('refuses a date-time without a time zone', () => {
    expect(loadConfig({ FAIR_ENDS_AT: '2026-11-20T18:00' }).ok).toBe(false);
    expect(loadConfig({ RETENTION_DAYS: '0' }).ok).toBe(false);
  });
});

describe('operating settings', () => {
  it('names the node hostname-pid and serves no metrics by default', () => {
    const result = loadConfig({});
    expect(result.ok && result.config.nodeId).toMatch(new RegExp(`^[A-Za-z0-9_-]+-${process.pid}$`));
    expect(result.ok && result.config.metrics).toEqual({ token: null, port: null, host: '127.0.0.1' });
  });

  it('reads NODE_ID, METRICS_TOKEN, METRICS_PORT and METRICS_HOST', () => {
    const result = loadConfig({ NODE_ID: 'fair-2', METRICS_TOKEN: 'x'.repeat(32), METRICS_PORT: '9464', METRICS_HOST: '10.0.0.2' });
    expect(result.ok && result.config).toMatchObject({ nodeId: 'fair-2', metrics: { token: 'x'.repeat(32), port: 9464, host: '10.0.0.2' } });
  });

  it('refuses a node id that would garble logs or labels, and a short metrics token', () => {
    const result = loadConfig({ NODE_ID: 'fair 2"', METRICS_TOKEN: 'secret' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['NODE_ID', 'METRICS_TOKEN']));
  });
});

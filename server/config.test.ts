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

  it('lists every bad variable at once', () => {
    const result = loadConfig({ PORT: 'eighty', SEED_DEMO: 'maybe', LIVEKIT_URL: 'wss://lk.example.org' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['PORT', 'SEED_DEMO']));
  });

  it('wants all three LiveKit variables or none', () => {
    const partial = loadConfig({ LIVEKIT_URL: 'wss://lk.example.org', LIVEKIT_API_KEY: 'key' });
    expect(partial.ok).toBe(false);
    const full = loadConfig({ LIVEKIT_URL: 'wss://lk.example.org', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'secret' });
    expect(full.ok && full.config.livekit).toEqual({ url: 'wss://lk.example.org', apiKey: 'key', apiSecret: 'secret' });
  });
});

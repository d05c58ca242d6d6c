import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { createLogger } from '../logger.js';
import { createRetention } from './retention.js';

describe('the retention job', () => {
  it('logs a storage failure and keeps running instead of crashing the process', async () => {
    const lines: string[] = [];
    const loaded = loadConfig({ FAIR_ENDS_AT: '2020-01-01' });
    if (!loaded.ok) throw new Error(loaded.problems.join());
    const db = openDatabase(':memory:');
    let runs = 0;
    const retention = createRetention({
      db,
      clock: { now: Date.now },
      config: loaded.config,
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
      purgeExpiredSessions: () => {
        runs += 1;
        if (runs === 1) return Promise.reject(new Error('SQLITE_BUSY: database is locked'));
        return Promise.resolve(0);
      },
    });
    const stop = retention.start({ firstRunMs: 0, intervalMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    stop();
    db.$client.close();
    const records = lines.map((line) => JSON.parse(line) as { level: number; msg: string; feature?: string });
    expect(records[0]).toMatchObject({ level: 50, feature: 'retention', msg: 'retention: run failed; will try again at the next one' });
    expect(records.some((r) => r.msg === 'retention: deleted what was due')).toBe(true);
  });
});

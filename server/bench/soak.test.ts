import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SOAK = fileURLToPath(new URL('./soak.ts', import.meta.url));

/** A smoke run only: the soak works end to end with its attacker. No figure is judged but losses. */
describe('npm run soak', () => {
  it('prints the run with the attacker as JSON, refuses its flood, and loses no bystander message', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', SOAK, '--members', '20', '--minutes', '0.1', '--ramp', '0.5', '--rate', '5', '--flood', '200', '--attacker', 'on', '--json'],
      { timeout: 90_000 },
    );
    const [run, ...rest] = JSON.parse(stdout) as { attacker: string; bystanders: Record<string, number>; rssMb: Record<string, number>; attack: Record<string, number> }[];
    expect(rest).toEqual([]);
    expect(run!.attacker).toBe('on');
    expect(run!.bystanders.connected).toBe(20);
    expect(run!.bystanders.acked).toBe(30);
    expect(run!.bystanders.lost).toBe(0);
    expect(typeof run!.bystanders.ackP99Ms).toBe('number');
    for (const key of ['start', 'middle', 'end', 'peak']) expect(run!.rssMb[key]).toBeGreaterThan(0);
    expect(run!.attack.rateLimited).toBeGreaterThan(0);
  }, 100_000);
});

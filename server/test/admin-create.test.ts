import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.js';
import { openStore } from '../db/store.js';
import { users } from '../db/tables.js';
import { createSharedState, testDialect } from './harness.js';

/** Runs `npm run admin:create -- …args` as the operator would, the password on standard input. */
function adminCreate(args: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('server/cli/admin-create.ts'), ...args], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'error', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

// The same file runs in both projects: on a SQLite file, and (project `postgres`) on a
// PostgreSQL database given as DATABASE_URL, as a scaled fair's operator would run it.
describe(`npm run admin:create (${testDialect})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fair-admin-'));
  let env: Record<string, string>;
  let drop = async () => {};
  beforeAll(async () => {
    env = { DATABASE_PATH: join(dir, 'fair.db') };
    if (testDialect === 'postgres') {
      const shared = await createSharedState();
      env = { ...env, DATABASE_URL: shared.databaseUrl };
      drop = () => shared.drop();
    }
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const storedUser = async (email: string) => {
    const store = await openStore({ databasePath: env.DATABASE_PATH!, databaseUrl: env.DATABASE_URL ?? null });
    try {
      const [row] = await store.db.select({ role: users.role, displayName: users.displayName, passwordHash: users.passwordHash }).from(users).where(eq(users.email, email));
      return row;
    } finally {
      await store.close();
    }
  };

  it('creates an admin with the password read from standard input, in the database the fair uses', async () => {
    const created = await adminCreate(['--email', 'organiser@fair.test', '--name', 'First organiser'], env, 'a long enough password\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Admin account created');
    const row = await storedUser('organiser@fair.test');
    expect(row).toMatchObject({ role: 'admin', displayName: 'First organiser' });
    expect(await verifyPassword('a long enough password', row!.passwordHash)).toBe(true);
  }, 60_000);

  it('refuses an email that already has an account, and a short password, changing nothing', async () => {
    const again = await adminCreate(['--email', 'organiser@fair.test'], env, 'another long password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('That email already has an account.');
    expect(await verifyPassword('a long enough password', (await storedUser('organiser@fair.test'))!.passwordHash)).toBe(true);

    const short = await adminCreate(['--email', 'second@fair.test'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('The password must be 10-200 characters.');
    expect(await storedUser('second@fair.test')).toBeUndefined();
  }, 60_000);

  it('prints a one-time invite link instead, with --invite', async () => {
    const invited = await adminCreate(['--email', 'invited@fair.test', '--invite'], env);
    expect(invited.code).toBe(0);
    expect(invited.stdout).toMatch(/Admin invite created \(one use, expires .+\):\n\S+\/invite\/\S+/);
    expect(invited.stdout).not.toContain('invited@fair.test');
  }, 60_000);
});

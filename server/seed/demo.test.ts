import { describe, expect, it } from 'vitest';
import { checkNameClaim } from '../auth/name-guard.js';
import { DEMO_ACCOUNTS } from './demo.js';

describe('demo accounts', () => {
  it('have names with no role word in any language: staff roles show as translated badges, not in the name', () => {
    // Checked as a member's name would be: the role-word rule covers EN, ES and FR.
    const refused = DEMO_ACCOUNTS.map((account) => [account.displayName, checkNameClaim(account.displayName, 'member', new Set())] as const).filter(([, verdict]) => !verdict.ok);
    expect(refused).toEqual([]);
  });
});

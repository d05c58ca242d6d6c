import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/limits.js';
import { formatDuration, inviteEmail, passwordResetEmail } from './templates.js';

const HOUR_MS = 3_600_000;

describe('formatDuration', () => {
  it('names the largest whole unit, singular or plural, in each language', () => {
    expect([formatDuration(HOUR_MS, 'en'), formatDuration(7 * 24 * HOUR_MS, 'en'), formatDuration(30 * 60_000, 'en')]).toEqual(['1 hour', '7 days', '30 minutes']);
    expect([formatDuration(HOUR_MS, 'es'), formatDuration(24 * HOUR_MS, 'es'), formatDuration(36 * HOUR_MS, 'es')]).toEqual(['1 hora', '1 día', '36 horas']);
    expect([formatDuration(HOUR_MS, 'fr'), formatDuration(14 * 24 * HOUR_MS, 'fr'), formatDuration(90 * 60_000, 'fr')]).toEqual(['1 heure', '14 jours', '90 minutes']);
  });
});

describe('inviteEmail', () => {
  const input = {
    to: 'a@example.org',
    inviteId: 1,
    displayName: 'Ana <b>',
    role: 'host' as const,
    boothName: 'Peace & Co',
    link: 'https://fair.example.org/invite/abc',
    ttlMs: 7 * 24 * HOUR_MS,
    expiresAt: new Date('2026-12-08T11:40:00Z'),
  };

  it.each(LANGUAGES)('holds the link and its expiry in %s, in text and HTML, with names escaped in the HTML', (language) => {
    const email = inviteEmail({ ...input, language });
    expect(email.text).toContain(input.link);
    expect(email.text).toContain(formatDuration(input.ttlMs, language));
    expect(email.text).toContain('2026');
    expect(email.text).toContain('Ana <b>');
    expect(email.html).toContain(`<a href="${input.link}">`);
    expect(email.html).toContain('Ana &lt;b&gt;');
    expect(email.html).toContain('Peace &amp; Co');
    expect(email.html).not.toContain('<b>');
  });

  it('writes each language differently', () => {
    const subjects = LANGUAGES.map((language) => inviteEmail({ ...input, language }).subject);
    expect(new Set(subjects).size).toBe(LANGUAGES.length);
  });
});

describe('passwordResetEmail', () => {
  it.each(LANGUAGES)('holds the link and how long it works in %s', (language) => {
    const email = passwordResetEmail({ to: 'a@example.org', userId: 'u1', language, link: 'https://fair.example.org/reset-password/xyz', ttlMs: HOUR_MS });
    expect(email.text).toContain('https://fair.example.org/reset-password/xyz');
    expect(email.text).toContain(formatDuration(HOUR_MS, language));
    expect(email.html).toContain(`<html lang="${language}">`);
  });
});

import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, isAuditAction } from '../../../../shared/audit-actions.js';
import { LANGUAGES, type Language } from '../../../../shared/limits.js';
import type { AuditEntry } from '../../../../shared/moderation.js';
import { createTranslator, partTranslator } from '../../i18n/index.js';
import { moderationPanel } from '../../i18n/parts/moderation-panel.js';
import { auditActionName, auditDetail } from './audit-detail.js';
import type { PanelT } from './use-panel-t.js';

const translator = (locale: Language): PanelT => Object.assign(partTranslator(moderationPanel, locale), { app: createTranslator(locale), locale });

const entry = (action: string, details: Record<string, unknown> | null, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1,
  action,
  actor: null,
  target: null,
  boothId: null,
  messageId: null,
  reason: null,
  expiresAt: null,
  details,
  createdAt: '2026-06-01T10:00:00.000Z',
  ...extra,
});

describe('audit action names', () => {
  it.each(LANGUAGES)('every action the server writes has a name in %s, never the raw action', (language) => {
    const part = moderationPanel[language] as Record<string, string | undefined>;
    const missing = AUDIT_ACTIONS.filter((action) => !part[`audit.action.${action}`]?.trim());
    expect(missing).toEqual([]);
    const t = translator(language);
    for (const action of AUDIT_ACTIONS) expect(auditActionName(t, action)).not.toBe(action);
  });

  it('names every action differently, so the filter can tell them apart', () => {
    for (const language of LANGUAGES) {
      const names = AUDIT_ACTIONS.map((action) => auditActionName(translator(language), action));
      expect(new Set(names).size, language).toBe(AUDIT_ACTIONS.length);
    }
  });

  it('shows an action this client does not know as it is, and rejects names that are not actions', () => {
    expect(auditActionName(translator('fr'), 'future:thing')).toBe('future:thing');
    for (const name of ['__proto__', 'toString', 'booth:Update', '']) expect(isAuditAction(name)).toBe(false);
  });
});

describe('audit details', () => {
  const en = translator('en');

  it('says what a booth setting became, not raw JSON', () => {
    expect(auditDetail(en, entry('booth:update', { slowModeSeconds: 10, locked: true }))).toBe('slow mode: 10 s; locked');
    expect(auditDetail(en, entry('booth:update', { slowModeSeconds: 0, locked: false, status: 'closed' }))).toBe('slow mode: off; unlocked; status: closed');
    expect(auditDetail(translator('es'), entry('booth:update', { slowModeSeconds: 10 }))).toBe('modo lento: 10 s');
    expect(auditDetail(translator('fr'), entry('booth:update', { locked: true }))).toBe('verrouillé');
  });

  it('names the fields that changed in the reader’s language', () => {
    expect(auditDetail(en, entry('booth:edit', { fields: ['name', 'capacity', 'tags'] }))).toBe('fields: name, capacity, topics');
    expect(auditDetail(translator('fr'), entry('fair:settings', { fields: ['timeZone', 'welcome'] }))).toBe('champs : fuseau horaire, texte d’accueil');
    expect(auditDetail(en, entry('booth:edit', { fields: ['somethingNew'] }))).toBe('fields: somethingNew');
  });

  it('shows a role or status change as from → to, with the roles translated', () => {
    expect(auditDetail(en, entry('people:role', { role: { from: 'member', to: 'host' } }))).toBe('role: member → host');
    expect(auditDetail(translator('es'), entry('people:deactivate', { status: { from: 'active', to: 'deactivated' } }))).toBe('estado: activa → desactivada');
    expect(auditDetail(translator('fr'), entry('invite:revoke', { inviteId: 7, role: 'moderator' }))).toBe('invitation nº 7, rôle : modérateur ou modératrice');
  });

  it('describes the other actions’ details', () => {
    expect(auditDetail(en, entry('chat:pin', { pinned: false }))).toBe('unpinned');
    expect(auditDetail(en, entry('chat:delete', null, { messageId: 42 }))).toBe('message no. 42');
    expect(auditDetail(en, entry('report:resolve', { reportId: 3, outcome: 'dismissed', reportReason: 'spam' }))).toBe('report no. 3 (Spam or scams): dismissed');
    expect(auditDetail(en, entry('announcement:create', { text: 'Plenary at noon' }))).toBe('Plenary at noon');
    expect(auditDetail(en, entry('moderation:unban', { lifted: 1 }))).toBe('restrictions lifted: 1');
    expect(auditDetail(en, entry('booth:create', { slug: 'new-booth' }))).toBe('address: /booths/new-booth');
    expect(auditDetail(en, entry('people:export', { people: 1200 }))).toBe('people in the export: 1,200');
    expect(auditDetail(en, entry('account:erased', { messagesBlanked: 4, messagesHeld: 1 }))).toBe('messages blanked: 4; kept for open reports: 1');
    expect(auditDetail(en, entry('schedule:remove', { sessionId: 9 }))).toBe('session no. 9');
    expect(auditDetail(translator('es'), entry('conduct:publish', { version: 2, languages: ['en', 'fr'] }))).toBe('versión 2, en inglés y francés');
    expect(auditDetail(en, entry('conduct:publish', { version: 3, languages: ['es'] }))).toBe('version 3, in Spanish');
    expect(auditDetail(en, entry('schedule:add', { title: 'Open hour', startsAt: '2026-06-01T10:00:00Z', endsAt: '2026-06-01T11:00:00Z', language: 'en' }))).toMatch(/^session: Open hour \(.+\)$/);
  });

  it('leaves out what is missing or malformed instead of printing it', () => {
    expect(auditDetail(en, entry('booth:update', { slowModeSeconds: 'ten' }))).toBe('');
    expect(auditDetail(en, entry('people:role', { role: 'host' }))).toBe('');
    expect(auditDetail(en, entry('moderation:ban', null))).toBe('');
    expect(auditDetail(en, entry('future:thing', { anything: 1 }))).toBe('');
  });
});

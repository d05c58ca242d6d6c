import { isAuditAction, type AuditAction } from '../../../../shared/audit-actions.js';
import { REPORT_REASONS } from '../../../../shared/limits.js';
import type { AuditEntry } from '../../../../shared/moderation.js';
import { CATALOGS, fieldKey, type MessageKey } from '../../i18n/index.js';
import { moderationPanel } from '../../i18n/parts/moderation-panel.js';
import { formatTimeRange } from '../../lib/time.js';
import type { PanelKey, PanelT } from './use-panel-t.js';

type Details = Record<string, unknown>;
/** One action's details in words; a part that is not there (an older line, say) is left out. */
type Describe = (details: Details, t: PanelT, entry: AuditEntry) => (string | null)[];

/** An action's name in the reader's language; a name this client does not know is shown as it is. */
export function auditActionName(t: PanelT, action: string): string {
  return isAuditAction(action) ? t(`audit.action.${action}`) : action;
}

// Every language has the same keys (catalog.test.ts): English stands for all.
const has = (key: string): key is PanelKey => Object.hasOwn(moderationPanel.en, key);

/** A value the server stores as a code (a role, a status), in words; anything else as it is. */
function valueName(t: PanelT, value: unknown): string {
  const key = `audit.value.${String(value)}`;
  return has(key) ? t(key) : String(value);
}

/** A field's name in words: the panel's own, else the one form errors use, else the name itself. */
function fieldName(t: PanelT, name: string): string {
  const own = `audit.field.${name}`;
  if (has(own)) return t(own);
  const shared = fieldKey(name);
  return shared ? t.app(shared) : name;
}

/** A language code ('es') by its name in the reader's language, within a sentence. */
function languageName(t: PanelT, code: string): string {
  const key = `language.${code}`;
  if (!Object.hasOwn(CATALOGS.en, key)) return code;
  // Labels start with a capital; inside a Spanish or French sentence a language's name does not.
  const name = t.app(key as MessageKey);
  return t.locale === 'en' ? name : name.toLocaleLowerCase(t.locale);
}

const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const string = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

const fields: Describe = (d, t) => [Array.isArray(d.fields) && d.fields.length > 0 ? t('audit.fields', { fields: d.fields.map((f) => fieldName(t, String(f))).join(', ') }) : null];
const lifted: Describe = (d, t) => [number(d.lifted) !== null ? t('audit.lifted', { count: number(d.lifted)! }) : null];
const invite: Describe = (d, t) => [number(d.inviteId) !== null ? t('audit.invite', { id: number(d.inviteId)!, role: valueName(t, d.role) }) : null];
const erased: Describe = (d, t) => [number(d.messagesBlanked) !== null ? t('audit.erased', { blanked: number(d.messagesBlanked)!, held: number(d.messagesHeld) ?? 0 }) : null];
/** `{ role: { from, to }, status: { from, to } }`: each change as "role: member → host". */
const changes: Describe = (d, t) =>
  Object.entries(d).map(([field, change]) => {
    const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
    return from === undefined || to === undefined ? null : t('audit.change', { field: fieldName(t, field), from: valueName(t, from), to: valueName(t, to) });
  });

/** What each action's details say. Actions with nothing beyond who, whom, booth and reason are absent. */
const DESCRIBE: Partial<Record<AuditAction, Describe>> = {
  'booth:update': (d, t) => {
    const seconds = number(d.slowModeSeconds);
    return [
      seconds === null ? null : seconds > 0 ? t('audit.slowMode', { seconds }) : t('audit.slowModeOff'),
      typeof d.locked === 'boolean' ? t(d.locked ? 'audit.locked' : 'audit.unlocked') : null,
      string(d.status) && t('audit.status', { status: valueName(t, d.status) }),
    ];
  },
  'booth:edit': fields,
  'booth:archive': fields,
  'booth:unarchive': fields,
  'fair:settings': fields,
  'booth:create': (d, t) => [string(d.slug) && t('audit.address', { path: `/booths/${String(d.slug)}` })],
  'chat:pin': (d, t) => [typeof d.pinned === 'boolean' ? t(d.pinned ? 'audit.pinned' : 'audit.unpinned') : null],
  'chat:delete': (_d, t, entry) => [entry.messageId === null ? null : t('audit.message', { id: entry.messageId })],
  'schedule:add': (d, t) => [
    string(d.title) && string(d.startsAt) && string(d.endsAt)
      ? t('audit.session', { title: String(d.title), time: formatTimeRange(String(d.startsAt), String(d.endsAt), t.locale) })
      : null,
  ],
  'schedule:remove': (d, t) => [number(d.sessionId) !== null ? t('audit.sessionNumber', { id: number(d.sessionId)! }) : null],
  'moderation:unmute': lifted,
  'moderation:unban': lifted,
  'report:resolve': (d, t) => {
    const reason = (REPORT_REASONS as readonly unknown[]).includes(d.reportReason) ? t.app(`mod.reason.${String(d.reportReason)}` as MessageKey) : '';
    const outcome = d.outcome === 'resolved' || d.outcome === 'dismissed' ? t(`audit.outcome.${d.outcome}`) : '';
    return [number(d.reportId) !== null ? t('audit.report', { id: number(d.reportId)!, reason, outcome }) : null];
  },
  'announcement:create': (d) => [string(d.text)],
  'invite:resend': invite,
  'invite:revoke': invite,
  'people:role': changes,
  'people:deactivate': changes,
  'people:reactivate': changes,
  'people:export': (d, t) => [number(d.people) !== null ? t('audit.exported', { count: number(d.people)! }) : null],
  'account:deleted': erased,
  'account:erased': erased,
  'survey:create': (d, t) => [number(d.surveyId) !== null ? t('audit.survey', { id: number(d.surveyId)! }) : null],
  'survey:questions': (d, t) => [number(d.surveyId) !== null ? t('audit.survey', { id: number(d.surveyId)! }) : null],
  'survey:open': (d, t) => [number(d.surveyId) !== null ? t('audit.survey', { id: number(d.surveyId)! }) : null],
  'survey:close': (d, t) => [number(d.surveyId) !== null ? t('audit.survey', { id: number(d.surveyId)! }) : null],
  'response:publish': (d, t) => [
    number(d.responseId) !== null && Array.isArray(d.languages)
      ? t('audit.response', { id: number(d.responseId)!, languages: new Intl.ListFormat(t.locale).format(d.languages.map((l) => languageName(t, String(l)))) })
      : null,
  ],
  'complaint:file': (d, t) => [number(d.complaintId) !== null ? t('audit.complaint', { id: number(d.complaintId)!, category: valueName(t, d.category) }) : null],
  'complaint:step': (d, t) => [
    number(d.complaintId) !== null ? t('audit.complaintStep', { id: number(d.complaintId)!, from: valueName(t, d.from), to: valueName(t, d.to) }) : null,
    d.replied === true ? t('audit.complaintReplied') : null,
  ],
  'people:grant': (d, t) => [string(d.capability) && t('audit.capability', { capability: valueName(t, d.capability) })],
  'people:revoke': (d, t) => [string(d.capability) && t('audit.capability', { capability: valueName(t, d.capability) })],
  'conduct:publish': (d, t) => [
    number(d.version) !== null && Array.isArray(d.languages)
      ? t('audit.conduct', { version: number(d.version)!, languages: new Intl.ListFormat(t.locale).format(d.languages.map((l) => languageName(t, String(l)))) })
      : null,
  ],
};

/** What an audit line changed, in the reader's language ("slow mode: 10 s; locked"), or ''. */
export function auditDetail(t: PanelT, entry: AuditEntry): string {
  const describe = isAuditAction(entry.action) ? DESCRIBE[entry.action] : undefined;
  return describe ? describe(entry.details ?? {}, t, entry).filter(Boolean).join('; ') : '';
}

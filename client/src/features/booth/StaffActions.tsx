import { ConductLink } from '../../lib/ConductLink.js';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ApiError, Result } from '../../../../shared/errors.js';
import { MODERATION_REASON_MAX_CHARS, REPORT_REASONS, RESTRICTION_MAX_MINUTES } from '../../../../shared/limits.js';
import type { ChatMessage, PresenceEntry } from '../../../../shared/protocol.js';
import { can, mayActOn } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { command } from '../../lib/socket.js';

/**
 * One inline form opened by a button: a real <form>, focus moves into it, Escape closes it.
 * `run` answers the command's ack; a refusal is shown in the member's language.
 */
function ActionForm({ label, submitLabel, children, run, onClose }: { label: string; submitLabel: string; children: ReactNode; run: () => Promise<Result<unknown> | null>; onClose: (done: boolean) => void }) {
  const t = useT();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const ack = await run();
    setBusy(false);
    if (ack?.ok) onClose(true);
    else setError(ack ? ack.error : { code: 'UPSTREAM_UNAVAILABLE', message: 'no answer' });
  }
  return (
    <form className="action-form" aria-label={label} onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === 'Escape' && onClose(false)}>
      {children}
      {error && (
        <p role="alert" className="error">
          {t.error(error)}
        </p>
      )}
      <div className="row">
        <button type="submit" className="small" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="secondary small" onClick={() => onClose(false)}>
          {t('mod.cancel')}
        </button>
      </div>
    </form>
  );
}

function ReasonField({ value, onChange, required = true }: { value: string; onChange: (value: string) => void; required?: boolean }) {
  const t = useT();
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{required ? t('mod.reason') : t('mod.note')}</label>
      <input id={id} autoFocus required={required} maxLength={MODERATION_REASON_MAX_CHARS} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`} />
      <p id={`${id}-hint`} className="hint">
        {t('mod.reasonHint')}
      </p>
    </>
  );
}

function MinutesField({ value, onChange, hint }: { value: string; onChange: (value: string) => void; hint?: string }) {
  const t = useT();
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{t('mod.minutes')}</label>
      <input id={id} type="number" min={1} max={RESTRICTION_MAX_MINUTES} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </>
  );
}

/**
 * Where keyboard focus goes when an inline form closes: back to the control that opened it
 * (or what stands in its place), not to the top of the page. `keep(key)` is the ref of each
 * control that may take it; `returnTo(key)` picks the one for the next close.
 */
function useFocusAfterClose(open: string | null) {
  const controls = useRef(new Map<string, HTMLElement>());
  const target = useRef<string | null>(null);
  useEffect(() => {
    if (open !== null || target.current === null) return;
    controls.current.get(target.current)?.focus();
    target.current = null;
  }, [open]);
  return {
    keep: (key: string) => (element: HTMLElement | null) => {
      if (element) controls.current.set(key, element);
      else controls.current.delete(key);
    },
    returnTo: (key: string) => {
      target.current = key;
    },
  };
}

/** Delete and pin for staff, report for everyone else, on one message. */
export function MessageActions({ message, boothId }: { message: ChatMessage; boothId: number }) {
  const t = useT();
  const me = useStore((state) => state.me);
  const [open, setOpen] = useState<'delete' | 'report' | null>(null);
  const [reason, setReason] = useState('');
  const [reportReason, setReportReason] = useState<(typeof REPORT_REASONS)[number]>('harassment');
  const [sent, setSent] = useState(false);
  const focus = useFocusAfterClose(open);
  if (!me || message.deleted) return null;
  const name = message.author.displayName;
  const mayDelete = can(me, 'chat:delete', { boothId }) && mayActOn(me, message.author);
  const mayPin = can(me, 'chat:pin', { boothId });
  const mayReport = message.author.id !== me.id && !sent;
  const close = (done: boolean) => {
    setOpen(null);
    setReason('');
    // A message is reported once: after sending, the thank-you stands where the button was.
    if (done && open === 'report') setSent(true);
    if (open) focus.returnTo(done && open === 'report' ? 'sent' : open);
  };

  return (
    <div className="message-actions">
      {open === null && (
        <>
          {mayDelete && (
            <button type="button" className="secondary small" ref={focus.keep('delete')} aria-label={t('mod.deleteLabel', { name })} onClick={() => setOpen('delete')}>
              {t('mod.delete')}
            </button>
          )}
          {mayPin && (
            <button type="button" className="secondary small" aria-label={t('mod.pinLabel', { name })} onClick={() => void command('chat:pin', { boothId, messageId: message.id })}>
              {t('mod.pin')}
            </button>
          )}
          {mayReport && (
            <button type="button" className="secondary small" ref={focus.keep('report')} aria-label={t('mod.reportLabel', { name })} onClick={() => setOpen('report')}>
              {t('mod.report')}
            </button>
          )}
        </>
      )}
      {sent && (
        <p role="status" className="hint" tabIndex={-1} ref={focus.keep('sent')}>
          {t('mod.reportSent')}
        </p>
      )}
      {open === 'delete' && (
        <ActionForm label={t('mod.deleteLabel', { name })} submitLabel={t('mod.delete')} onClose={close} run={() => command('chat:delete', { messageId: message.id, reason: reason.trim() || undefined })}>
          <ReasonField value={reason} onChange={setReason} required={false} />
        </ActionForm>
      )}
      {open === 'report' && (
        <ActionForm
          label={t('mod.reportLabel', { name })}
          submitLabel={t('mod.reportSend')}
          onClose={close}
          run={() => command('report:create', { messageId: message.id, reason: reportReason, note: reason.trim() || undefined })}
        >
          <fieldset>
            <legend>{t('mod.reportReason')}</legend>
            {REPORT_REASONS.map((value) => (
              <label key={value} className="choice">
                <input type="radio" name={`reason-${message.id}`} value={value} checked={reportReason === value} onChange={() => setReportReason(value)} /> {t(`mod.reason.${value}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          <ReasonField value={reason} onChange={setReason} required={false} />
          <p className="hint">
            <ConductLink />
            {/* Like the code of conduct, in a new tab: the member keeps their place in the booth. */}
            {' · '}
            <a href={`/complaints?message=${message.id}`} target="_blank" rel="noopener">
              {t('mod.complain')} <span className="visually-hidden">{t('nav.newTab')}</span>
            </a>
          </p>
        </ActionForm>
      )}
    </div>
  );
}

/** Mute, remove and ban, for staff who may act on this person. */
export function PersonActions({ person, boothId }: { person: PresenceEntry; boothId: number }) {
  const t = useT();
  const me = useStore((state) => state.me);
  const [open, setOpen] = useState<'mute' | 'kick' | 'ban' | null>(null);
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('15');
  const focus = useFocusAfterClose(open);
  if (!me || person.userId === me.id || !mayActOn(me, person)) return null;
  const name = person.displayName;
  const allowed = {
    mute: can(me, 'moderation:mute', { boothId }),
    kick: can(me, 'moderation:kick', { boothId }),
    ban: can(me, 'moderation:ban'),
  };
  if (!allowed.mute && !allowed.kick && !allowed.ban) return null;
  const close = () => {
    setOpen(null);
    setReason('');
    if (open) focus.returnTo(open);
  };
  const minutesValue = Number(minutes);
  const labels = { mute: t('mod.muteLabel', { name }), kick: t('mod.kickLabel', { name }), ban: t('mod.banLabel', { name }) };
  const run = {
    mute: () => command('moderation:mute', { userId: person.userId, boothId, minutes: minutesValue, reason: reason.trim() }),
    kick: () => command('moderation:kick', { userId: person.userId, boothId, reason: reason.trim() }),
    ban: () => command('moderation:ban', { userId: person.userId, minutes: minutes.trim() ? minutesValue : undefined, reason: reason.trim() }),
  };

  return (
    <div className="person-actions" role="group" aria-label={t('mod.actionsFor', { name })}>
      {open === null &&
        (['mute', 'kick', 'ban'] as const)
          .filter((action) => allowed[action])
          .map((action) => (
            <button key={action} type="button" className="secondary small" ref={focus.keep(action)} aria-label={labels[action]} onClick={() => {
              setMinutes(action === 'ban' ? '' : '15');
              setOpen(action);
            }}>
              {t(`mod.${action}`)}
            </button>
          ))}
      {open !== null && (
        <ActionForm label={labels[open]} submitLabel={t('mod.confirm')} onClose={close} run={run[open]}>
          <ReasonField value={reason} onChange={setReason} />
          {open !== 'kick' && <MinutesField value={minutes} onChange={setMinutes} hint={open === 'ban' ? t('mod.banMinutesHint') : undefined} />}
        </ActionForm>
      )}
    </div>
  );
}

import { useId, useRef, useState } from 'react';
import type { Invite } from '../../../../shared/invites.js';
import { useOrganiserT } from './use-organiser-t.js';

/**
 * An invitation link to hand on: shown in a read-only field (selectable by hand) with a
 * "copy link" button (its name starts with its visible text, for voice control). Without clipboard access the field's text is selected instead.
 */
export function CopyLink({ link, label }: { link: string; label: string }) {
  const t = useOrganiserT();
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('yes');
    } catch {
      field.current?.select();
      setCopied('select');
    }
  }
  return (
    <div className="copy-link">
      <label htmlFor={id}>{label}</label>
      <div className="row">
        <input id={id} ref={field} readOnly value={link} onFocus={(e) => e.target.select()} />
        <button type="button" className="secondary small" onClick={() => void copy()} aria-label={`${t('org.copyLink')}: ${label}`}>
          {t('org.copyLink')}
        </button>
      </div>
      {copied && <p role="status">{copied === 'yes' ? t('org.copied') : t('org.copyByHand')}</p>}
    </div>
  );
}

/** A new invitation's link, with what happened said first when there is something to say. */
export function InviteLink({ invite, message }: { invite: Invite; message?: string }) {
  const t = useOrganiserT();
  return (
    <div role="status">
      {message && <p>{message}</p>}
      <CopyLink link={invite.link} label={t('org.inviteLinkFor', { email: invite.email })} />
    </div>
  );
}

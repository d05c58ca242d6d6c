import { DELETED_AUTHOR } from '../../../shared/deleted-account.js';
import { privateVisitorNumber } from '../../../shared/private-visit.js';
import type { Translator } from '../i18n/index.js';

/**
 * The name to show for a message's author. Deleted accounts and private visitors come as
 * stable markers from the server; the words are ours to translate.
 */
export function authorName(t: Translator, author: { id: string; displayName: string }): string {
  if (author.id === DELETED_AUTHOR.id) return t('privacy.deletedMember');
  const number = privateVisitorNumber(author);
  return number === null ? author.displayName : t('privacy.privateVisitor', { number });
}

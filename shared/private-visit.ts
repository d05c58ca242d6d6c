// No zod here: the chat log imports this into the client's main chunk.

/** Every masked author id starts with this; clients show their own words for "Private visitor n". */
export const PRIVATE_AUTHOR_PREFIX = 'private:';

/**
 * The author other members see on a message sent during a private visit: a stable per-booth
 * pseudonym that links to no account (the opaque id is random and different in every booth).
 */
export function privateAuthor(alias: { number: number; opaqueId: string }) {
  return { id: `${PRIVATE_AUTHOR_PREFIX}${alias.opaqueId}`, displayName: `Private visitor ${alias.number}`, role: 'member' as const };
}

/** The number in "Private visitor 4", or null when this author is not a pseudonym. */
export function privateVisitorNumber(author: { id: string; displayName: string }): number | null {
  if (!author.id.startsWith(PRIVATE_AUTHOR_PREFIX)) return null;
  const match = /(\d+)$/.exec(author.displayName);
  return match ? Number(match[1]) : null;
}

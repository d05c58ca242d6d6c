/**
 * Links to one chat message in its booth (`/booths/<slug>#message-<id>`): the moderator panel
 * writes them for reports, the booth's chat log gives each message that id and scrolls to it.
 */
export const messageAnchor = (messageId: number): string => `message-${messageId}`;

/** The message a booth page's address points at, or null. */
export function linkedMessageId(hash: string): number | null {
  const match = /^#message-(\d{1,10})$/.exec(hash);
  return match ? Number(match[1]) : null;
}

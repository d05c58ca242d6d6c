/**
 * Contact requests and 1:1 conversations (issue 16): the values both sides agree on.
 * Schemas of the socket commands are in protocol.ts.
 */

/** What a member may agree to share with a booth's staff; the display name is always shown. */
export const CONTACT_SHARES = ['name', 'organisation', 'email'] as const;
export type ContactShare = (typeof CONTACT_SHARES)[number];

/** open → accepted | declined | email (answered by staff) | closed (the fair ended unanswered). */
export const CONTACT_STATUSES = ['open', 'accepted', 'declined', 'email', 'closed'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** How staff answer a request: `contact:answer { answer }`. */
export const CONTACT_ANSWERS = ['accept', 'decline', 'email'] as const;
export type ContactAnswer = (typeof CONTACT_ANSWERS)[number];

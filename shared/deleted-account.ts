// No zod here: the chat log imports this into the client's main chunk.

/**
 * The author every client sees on a message whose account was deleted or erased. A stable
 * marker, not a translation: clients show their own words for "deleted member" when
 * `author.id === DELETED_AUTHOR.id`.
 */
export const DELETED_AUTHOR = { id: 'deleted', displayName: 'deleted member', role: 'member' } as const;

/** The display name a tombstoned account row keeps (organisers see it in the audit log and reports). */
export const DELETED_MEMBER_NAME = DELETED_AUTHOR.displayName;

/** Audit actions for the end of an account. */
export const ACCOUNT_AUDIT_ACTIONS = { deleted: 'account:deleted', erased: 'account:erased' } as const;

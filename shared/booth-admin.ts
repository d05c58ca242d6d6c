import { z } from 'zod';
import { displayNameSchema, emailSchema } from './auth.js';

/**
 * `POST /api/admin/booths/:id/hosts`: makes the person with this email a host of the booth (an
 * invitation if they have no account yet). Apart from booths.ts, which the text-mode entry
 * loads: the display-name rule brings the Unicode confusables table.
 */
export const boothHostAddSchema = z.strictObject({ email: emailSchema, displayName: displayNameSchema.optional() });

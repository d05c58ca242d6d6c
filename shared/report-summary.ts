import { z } from 'zod';

/**
 * `GET /api/moderation/reports/summary`: how many reports wait for a moderator, for the lobby's
 * staff landing (a count, so it does not fetch the whole queue to show one number).
 */
export const reportSummarySchema = z.object({ open: z.number().int().nonnegative() });
export type ReportSummary = z.infer<typeof reportSummarySchema>;

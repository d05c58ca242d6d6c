import type { Response } from 'express';

/**
 * Text a spreadsheet would run as a formula: starting (after any blanks) with = + - @, their
 * full-width forms, a tab, CR or LF. Such text is prefixed with ' so it stays text.
 */
const FORMULA_START = /^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/u;

/**
 * One CSV field (RFC 4180), always quoted. French and Spanish spreadsheets split on `;`;
 * quoting every field keeps a `;` (or `,`) a member typed inside their own cell, so
 * `x;=cmd|' /C calc'!A0` can never start a cell of its own. Numbers we wrote are left as
 * they are; text that would start a formula is prefixed with '.
 */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A whole CSV document with a header line; CRLF line ends as RFC 4180 asks. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Sends CSV as a download. */
export function sendCsv(res: Response, filename: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(csv);
}

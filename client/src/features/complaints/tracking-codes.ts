import { readSetting, writeSetting } from '../../lib/device-storage.js';

const CODES_KEY = 'fair.complaintCodes';
/** More than anyone files; the oldest go first. */
const CODES_MAX = 20;

/**
 * Tracking codes of anonymous complaints filed on this device. The server keeps only their
 * hashes: the code lives here (and wherever the member copied it), nowhere else.
 */
export function savedCodes(): string[] {
  try {
    const parsed: unknown = JSON.parse(readSetting(CODES_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((code): code is string => typeof code === 'string') : [];
  } catch {
    return [];
  }
}

export function saveCode(code: string): void {
  writeSetting(CODES_KEY, JSON.stringify([code, ...savedCodes().filter((c) => c !== code)].slice(0, CODES_MAX)));
}

export function forgetCode(code: string): void {
  writeSetting(CODES_KEY, JSON.stringify(savedCodes().filter((c) => c !== code)));
}

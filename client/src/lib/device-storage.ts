/**
 * Choices remembered on this device. Storage can be blocked or full (private modes, quotas):
 * then reads give null and writes are dropped, and the choice still applies to this visit.
 */
export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not remembered; still applies to this visit.
  }
}

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

/**
 * Remembered by this tab only, across its reloads (sessionStorage): for what must not carry
 * over to another tab or the next visit. Blocked storage reads null and drops writes.
 */
export function readTabSetting(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeTabSetting(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Not remembered: at worst the tab asks the member instead of deciding by itself.
  }
}

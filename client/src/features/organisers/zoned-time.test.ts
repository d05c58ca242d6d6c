import { describe, expect, it } from 'vitest';
import { instantToZonedInput, zonedInputToInstant } from './zoned-time.js';

describe('zoned datetime-local values', () => {
  it('reads a wall-clock time in the fair’s zone, not the browser’s', () => {
    expect(zonedInputToInstant('2026-06-01T09:00', 'America/Bogota')).toBe('2026-06-01T14:00:00.000Z');
    expect(zonedInputToInstant('2026-06-01T09:00', 'Europe/Paris')).toBe('2026-06-01T07:00:00.000Z');
    expect(zonedInputToInstant('2026-01-15T09:00', 'Europe/Paris')).toBe('2026-01-15T08:00:00.000Z');
    expect(zonedInputToInstant('2026-06-01T09:00', 'UTC')).toBe('2026-06-01T09:00:00.000Z');
  });

  it('shows an instant as the wall-clock time of the zone', () => {
    expect(instantToZonedInput('2026-06-01T14:00:00.000Z', 'America/Bogota')).toBe('2026-06-01T09:00');
    expect(instantToZonedInput('2026-12-31T23:30:00Z', 'Asia/Kolkata')).toBe('2027-01-01T05:00');
    expect(instantToZonedInput(null, 'UTC')).toBe('');
  });

  it('round-trips every hour around a daylight-saving change, except the hour the clocks repeat', () => {
    // Paris goes back from 03:00 to 02:00 on 25 October 2026 at 01:00 UTC: 02:xx happens twice.
    const repeated = new Set(['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    for (let hour = 0; hour < 48; hour++) {
      const iso = new Date(Date.UTC(2026, 9, 24, hour)).toISOString();
      const local = instantToZonedInput(iso, 'Europe/Paris');
      const back = zonedInputToInstant(local, 'Europe/Paris')!;
      expect(instantToZonedInput(back, 'Europe/Paris'), iso).toBe(local);
      if (!repeated.has(iso)) expect(back, iso).toBe(iso);
    }
  });

  it('gives null for an empty or malformed value', () => {
    expect(zonedInputToInstant('', 'UTC')).toBeNull();
    expect(zonedInputToInstant('tomorrow', 'UTC')).toBeNull();
  });
});

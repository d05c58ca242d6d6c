/**
 * `datetime-local` fields hold wall-clock time with no zone. The fair's dates are entered in
 * the fair's own time zone (not the organiser's browser zone), so the conversion goes through
 * Intl with that zone.
 */

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The wall-clock time of an instant in a zone, as a `datetime-local` value (minutes). */
function wallClock(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** An ISO instant as the `datetime-local` value showing it in `timeZone` ('' for none). */
export function instantToZonedInput(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : wallClock(ms, timeZone);
}

/** A `datetime-local` value read as wall-clock time in `timeZone`, as an ISO instant (null if empty or malformed). */
export function zonedInputToInstant(local: string, timeZone: string): string | null {
  const m = LOCAL_INPUT.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset at an instant: its wall clock read as if it were UTC, minus the instant.
  const offsetAt = (ms: number) => Date.parse(`${wallClock(ms, timeZone)}:00Z`) - Math.floor(ms / 60_000) * 60_000;
  // Twice: the first guess may sit on the other side of a daylight-saving change.
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first)).toISOString();
}

/** Durations in the viewer's language ("5 minutes", "2 hours", "3 days"), rounded up. */
export function formatTimeLeft(ms: number, locale: string): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  const [value, unit] = minutes < 90 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.ceil(minutes / 60), 'hour'] : [Math.ceil(minutes / 1440), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/** A time range in the viewer's zone: "Mon 14:00–15:00". */
export function formatTimeRange(startIso: string, endIso: string, locale: string): string {
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  return `${day.format(new Date(startIso))}–${time.format(new Date(endIso))}`;
}

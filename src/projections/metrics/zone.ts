/**
 * The shop's calendar: days and weeks are counted where the shop is (`SHOP_TIME_ZONE`, an IANA
 * name), not in UTC, so an order paid at 23:30 in Denver counts on that day in Denver.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA formats a date as YYYY-MM-DD, the form PostgreSQL's `date` reads.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `name` is a time zone this runtime knows (IANA name such as `Europe/Paris`, or `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '' || name !== name.trim()) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
/** Past this many quarter hours remembered per zone, the memory starts again (a rebuild walks years). */
const MAX_REMEMBERED = 100_000;
const daysByQuarter = new Map<string, Map<number, string>>();

/**
 * The shop's calendar day (`YYYY-MM-DD`) of an instant (ISO-8601 or epoch ms). Every zone's
 * offset, and so every local midnight and clock change, falls on a quarter hour of UTC: the day
 * is remembered per quarter hour, and the fold (several instants per event, a million events a
 * rebuild) formats once per quarter hour instead of once per instant.
 */
export function shopDay(instant: string | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let days = daysByQuarter.get(timeZone);
  if (!days) daysByQuarter.set(timeZone, (days = new Map<number, string>()));
  let day = days.get(quarter);
  if (day === undefined) {
    if (days.size >= MAX_REMEMBERED) days.clear();
    day = formatterFor(timeZone).format(quarter * QUARTER_HOUR_MS);
    days.set(quarter, day);
  }
  return day;
}

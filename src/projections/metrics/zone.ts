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

/** The shop's calendar day (`YYYY-MM-DD`) of an instant (ISO-8601 or epoch ms). */
export function shopDay(instant: string | number, timeZone: string): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return formatterFor(timeZone).format(ms);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso));

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

const PRIORITY_LABELS = { RUSH: 'Rush', STANDARD: 'Standard', HOLD: 'Hold' } as const;
export const priorityLabel = (priority: keyof typeof PRIORITY_LABELS): string => PRIORITY_LABELS[priority];

const TECHNIQUE_LABELS = { DTG: 'Direct to garment', SCREEN: 'Screen print', EMBROIDERY: 'Embroidery' } as const;
export const techniqueLabel = (technique: keyof typeof TECHNIQUE_LABELS): string => TECHNIQUE_LABELS[technique];

/** `3d 04:05:06` for a duration in ms (never negative). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((total % 86_400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

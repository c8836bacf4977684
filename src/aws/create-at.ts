const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `create_at` as the Python library writes it: `%Y-%m-%dT%H:%M:%S.%f+0000` in UTC. Dates carry
 * milliseconds, so the last three of the six fraction digits are zeros.
 */
export function formatCreateAt(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}` +
    `.${pad(date.getUTCMilliseconds() * 1000, 6)}+0000`
  );
}

/**
 * The instant of a `create_at` or of an ISO date (EC2's), in milliseconds; NaN when it is
 * neither. Microseconds are dropped: JavaScript dates hold milliseconds.
 */
export function parseCreateAt(text: string): number {
  return Date.parse(text.replace(/(\.\d{3})\d*/, '$1').replace(/\+0000$/, 'Z'));
}

/** The same instant as an ISO date (`…Z`); the text itself when it is not a date. */
export function createAtIso(text: string): string {
  const t = parseCreateAt(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}

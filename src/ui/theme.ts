/**
 * Colours in one place. With NO_COLOR set (https://no-color.org) every colour is dropped; bold,
 * inverse and dim stay, so the highlight and the state of things remain visible.
 */
export type Tone = 'accent' | 'ok' | 'warn' | 'error' | 'muted' | 'sandbox' | 'key';

const tones: Record<Tone, string> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  muted: 'gray',
  sandbox: 'magenta',
  key: 'cyan',
};

export function colorsEnabled(): boolean {
  const v = process.env.NO_COLOR;
  return v === undefined || v === '';
}

/** The colour of a tone, or undefined when colours are off. */
export function tone(t: Tone): string | undefined {
  return colorsEnabled() ? tones[t] : undefined;
}

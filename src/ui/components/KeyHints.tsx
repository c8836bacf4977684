import { Box, Text } from 'ink';
import type { ScreenName } from '../context.js';
import { hintOf, hintsFor, keysLabel, type Action } from '../keys.js';
import { tone } from '../theme.js';

const MORE = '? more';
const GAP = '  ';

function label(a: Action): string {
  return a === 'quitTwice' ? 'Ctrl-C×2' : keysLabel(a);
}

/**
 * The keys that fit in `width`, most useful first, each whole: when some are left out the bar
 * ends with `? more` (the `?` overlay lists them all).
 */
export function fitHints(actions: Action[], width: number, screen?: ScreenName): { shown: Action[]; cut: boolean } {
  const size = (a: Action) => label(a).length + 1 + hintOf(a, screen).length;
  const total = actions.reduce((n, a, i) => n + (i ? GAP.length : 0) + size(a), 0);
  if (total <= width) return { shown: actions, cut: false };
  const room = width - GAP.length - MORE.length;
  const shown: Action[] = [];
  let used = 0;
  for (const a of actions) {
    if (a === 'help') continue;
    const need = (shown.length ? GAP.length : 0) + size(a);
    if (used + need > room) break;
    shown.push(a);
    used += need;
  }
  return { shown, cut: true };
}

/**
 * The help bar: the keys that work here, from the registry, by rank. `only` narrows it to the
 * keys of the panel that has the keys now (a confirmation, a text field); they must still be in
 * the registry, so what the bar says is always what the keys do.
 */
export function KeyHints({ screen, only, width }: { screen: ScreenName; only?: Action[]; width: number }) {
  const { shown, cut } = fitHints(only ?? hintsFor(screen), width, screen);
  return (
    <Box height={1} width={width} overflow="hidden">
      <Text wrap="truncate">
        {shown.map((a, i) => (
          <Text key={a}>
            {i > 0 ? GAP : ''}
            <Text bold color={tone('key')}>
              {label(a)}
            </Text>
            <Text> {hintOf(a, screen)}</Text>
          </Text>
        ))}
        {cut ? (
          <Text>
            {shown.length ? GAP : ''}
            <Text bold color={tone('key')}>
              ?
            </Text>
            <Text> more</Text>
          </Text>
        ) : null}
      </Text>
    </Box>
  );
}

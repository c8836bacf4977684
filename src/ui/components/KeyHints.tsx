import { Box, Text } from 'ink';
import type { ScreenName } from '../context.js';
import { actionsFor, keyBindings, keysLabel, type Action } from '../keys.js';
import { tone } from '../theme.js';

/**
 * The help bar: the keys that work here, from the registry. `only` narrows it to the keys of
 * the panel that has the keys now (a confirmation, a text field); they must still be in the
 * registry, so what the bar says is always what the keys do.
 */
export function KeyHints({ screen, only, width }: { screen: ScreenName; only?: Action[]; width: number }) {
  // `?` first, so the way to every key shows even when a narrow terminal cuts the bar short;
  // then the keys of this screen; the keys of every screen last.
  const global: Action[] = ['back', 'quitTwice'];
  const actions: Action[] = only ?? ['help', ...actionsFor(screen).filter((a) => a !== 'help' && !global.includes(a)), ...global];
  return (
    <Box height={1} width={width} overflow="hidden">
      <Text wrap="truncate">
        {actions.map((a, i) => (
          <Text key={a}>
            {i > 0 ? '  ' : ''}
            <Text bold color={tone('key')}>
              {a === 'quitTwice' ? 'Ctrl-C×2' : keysLabel(a)}
            </Text>
            <Text> {keyBindings[a].hint}</Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}

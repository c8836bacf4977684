import { Box, Text } from 'ink';
import type { ScreenName } from '../context.js';
import { actionsFor, keyBindings, keyLabel } from '../keys.js';
import { tone } from '../theme.js';

/** Every key of the screen with its sentence, from the registry (the `?` overlay). */
export function HelpOverlay({ screen, rows, width }: { screen: ScreenName; rows: number; width: number }) {
  const actions = actionsFor(screen);
  const shown = actions.slice(0, Math.max(1, rows - 3));
  return (
    <Box flexDirection="column" borderStyle="round" width={width} paddingX={1} height={Math.min(rows, shown.length + 3)}>
      <Text bold>Keys on this screen (any key closes)</Text>
      {shown.map((a) => (
        <Box key={a} height={1}>
          <Box width={18} flexShrink={0}>
            <Text color={tone('key')} bold wrap="truncate">
              {keyBindings[a].keys.map(keyLabel).join(' ')}
            </Text>
          </Box>
          <Text wrap="truncate">{keyBindings[a].description}</Text>
        </Box>
      ))}
    </Box>
  );
}

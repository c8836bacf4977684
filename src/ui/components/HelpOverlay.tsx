import { Box, Text } from 'ink';
import type { ScreenName } from '../context.js';
import { actionsFor, keyBindings, keyLabel, type Action } from '../keys.js';
import { tone } from '../theme.js';

function KeyRow({ action, width }: { action: Action; width: number }) {
  const keyWidth = Math.min(18, Math.max(8, Math.floor(width / 3)));
  return (
    <Box height={1} width={width}>
      <Box width={keyWidth} flexShrink={0}>
        <Text color={tone('key')} bold wrap="truncate">
          {keyBindings[action].keys.map(keyLabel).join(' ')}
        </Text>
      </Box>
      <Text wrap="truncate">{keyBindings[action].description}</Text>
    </Box>
  );
}

/**
 * Every key of the screen with its sentence, from the registry (the `?` overlay). When they do
 * not fit one column they take two (sentences cut, every key shown); what still does not fit is
 * counted, never dropped without a word.
 */
export function HelpOverlay({ screen, rows, width }: { screen: ScreenName; rows: number; width: number }) {
  const actions = actionsFor(screen);
  const perColumn = Math.max(1, rows - 3);
  const columns = actions.length > perColumn ? 2 : 1;
  const room = perColumn * columns;
  const cut = actions.length > room;
  const shown = actions.slice(0, cut ? room - 1 : room);
  const inner = width - 4;
  const columnWidth = columns === 2 ? Math.floor((inner - 1) / 2) : inner;
  const lists = columns === 2 ? [shown.slice(0, perColumn), shown.slice(perColumn)] : [shown];
  return (
    <Box flexDirection="column" borderStyle="round" width={width} paddingX={1} height={Math.min(rows, Math.min(shown.length, perColumn) + 3)}>
      <Text bold>Keys on this screen (any key closes)</Text>
      <Box flexDirection="row">
        {lists.map((list, i) => (
          <Box key={i} flexDirection="column" width={columnWidth} marginLeft={i ? 1 : 0}>
            {list.map((a) => (
              <KeyRow key={a} action={a} width={columnWidth} />
            ))}
            {cut && i === lists.length - 1 ? (
              <Text color={tone('muted')} wrap="truncate">
                … {actions.length - shown.length} more keys: a taller terminal shows them
              </Text>
            ) : null}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

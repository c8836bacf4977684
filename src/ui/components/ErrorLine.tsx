import { Box, Text } from 'ink';
import { errorLine } from '../../errors.js';
import { oneLine } from '../../one-line.js';
import { tone } from '../theme.js';

/** The one line of an error: what went wrong — what to do. Never a stack trace. */
export function ErrorLine({ error, width }: { error: unknown; width: number }) {
  return (
    <Box height={1} width={width}>
      <Text color={tone('error')} wrap="truncate">
        ✖ {oneLine(errorLine(error))}
      </Text>
    </Box>
  );
}

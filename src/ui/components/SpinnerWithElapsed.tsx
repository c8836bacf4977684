import { Text } from 'ink';
import { formatDuration } from '../../duration.js';
import { useElapsed } from '../hooks/useElapsed.js';
import { tone } from '../theme.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Long work: a spinner, what is happening, and how long it has been going. */
export function SpinnerWithElapsed({ label, startedAt }: { label: string; startedAt: number }) {
  const elapsed = useElapsed(startedAt, undefined, 125);
  return (
    <Text wrap="truncate">
      <Text color={tone('accent')}>{frames[Math.floor(elapsed / 125) % frames.length]}</Text> {label}{' '}
      <Text color={tone('muted')}>{formatDuration(elapsed)}</Text>
    </Text>
  );
}

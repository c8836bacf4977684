import { Text } from 'ink';
import type { LockHolder } from '../../aws/ports.js';
import { formatAge, useElapsed } from '../hooks/useElapsed.js';
import { LOCK_RETRY_MS } from '../hooks/useStepLock.js';
import { keysLabel } from '../keys.js';
import { tone } from '../theme.js';
import { formatDuration } from '../../duration.js';

/** While another run holds the step: who, for how long, the key that takes it, and whether the screen waits. */
export function LockLine({ holder: h, waiting }: { holder: LockHolder; waiting: boolean }) {
  const since = Date.parse(h.since);
  const now = since + useElapsed(since, undefined, 1000);
  return (
    <Text wrap="truncate" color={tone('warn')}>
      {`locked by ${h.user}@${h.host} (pid ${h.pid}, ${h.command}) for ${formatAge(h.since, now).replace(' ago', '')} · ${keysLabel('takeLock')}: take the lock`}
      {waiting ? ` · waiting for it (every ${formatDuration(LOCK_RETRY_MS)})` : ''}
    </Text>
  );
}

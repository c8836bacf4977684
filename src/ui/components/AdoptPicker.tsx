import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { Cloud } from '../../aws/ports.js';
import { adoptableInstances, type AdoptableInstance } from '../../manual/adoptable.js';
import { formatAge } from '../hooks/useElapsed.js';
import { useKeyCapture } from '../hooks/useKeyCapture.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { isKey } from '../keys.js';
import { tone } from '../theme.js';

/**
 * The instances of the account an adoption can take over (id, Name tag, type, age): ↑/↓ and
 * Enter choose one, Esc closes the list. Choosing only names it; the screen asks before adopting.
 */
export function AdoptPicker(props: {
  cloud: Cloud;
  width: number;
  rows: number;
  onChoose: (i: AdoptableInstance) => void;
  onClose: () => void;
  onError: (e: unknown) => void;
}) {
  const { cloud, onError } = props;
  const [instances, setInstances] = useState<AdoptableInstance[] | null>(null);
  const [now] = useState(() => Date.now());
  const shown = Math.max(1, props.rows - 2);
  const { cursor, handle } = useListCursor(instances?.length ?? 0, shown);
  useEffect(() => {
    let live = true;
    adoptableInstances(cloud).then(
      (list) => live && setInstances(list),
      (e: unknown) => live && (setInstances([]), onError(e)),
    );
    return () => {
      live = false;
    };
  }, [cloud, onError]);
  // Esc closes this list, not the screen: the app's own keys wait while it is open.
  useKeyCapture(true);
  useKeys((input, key) => {
    if (handle(input, key)) return;
    const chosen = instances?.[cursor];
    if (isKey('open', input, key) && chosen) props.onChoose(chosen);
    else if (isKey('back', input, key)) props.onClose();
  });
  const first = Math.max(0, Math.min(cursor - shown + 1, (instances?.length ?? 0) - shown));
  const nameWidth = Math.min(24, Math.max(4, ...(instances ?? []).map((i) => i.name.length)));
  return (
    <Box flexDirection="column" marginTop={1} width={props.width}>
      <Text wrap="truncate" color={tone('muted')}>
        {instances === null
          ? 'asking EC2 for the instances of this account…'
          : instances.length === 0
            ? 'no running or stopped instance in this account and region (Esc: back)'
            : 'Adopt which instance? Enter: choose (asks first)   Esc: back'}
      </Text>
      {(instances ?? []).slice(first, first + shown).map((i, n) => {
        const on = first + n === cursor;
        return (
          <Box key={i.id} height={1} width={props.width}>
            <Text wrap="truncate" inverse={on}>
              {on ? '› ' : '  '}
              {i.id.padEnd(20)} {(i.name || '-').slice(0, nameWidth).padEnd(nameWidth)} {i.instanceType.padEnd(11)} {i.state.padEnd(8)}{' '}
              {formatAge(i.launchTime, now)}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

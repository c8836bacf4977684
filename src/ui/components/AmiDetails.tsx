import { Box, Text } from 'ink';
import type { Workflow } from '../../workflow/types.js';
import { formatAge } from '../hooks/useElapsed.js';
import { lineage, type AmiRow } from '../hooks/useWorkflowAmis.js';
import { tone } from '../theme.js';

/** Everything about one AMI: state, catalog record, snapshots, tags, and where it comes from. */
export function AmiDetails({ row, rows, workflow, height }: { row: AmiRow; rows: AmiRow[]; workflow: Workflow; height: number }) {
  const lines: { label: string; value: string; tone?: 'ok' | 'warn' | 'muted' }[] = [
    { label: 'AMI', value: `${row.amiId}  ${row.name}` },
    { label: 'state', value: row.state, tone: row.state === 'available' ? 'ok' : 'warn' },
    { label: 'created', value: `${row.created} (${formatAge(row.created)})` },
    { label: 'step', value: row.stepId },
    {
      label: 'catalog',
      value: row.item ? `recorded ${row.item.create_at}${row.item.build_method ? ` · ${row.item.build_method}` : ''}` : 'not recorded in the catalog',
      tone: row.item ? undefined : 'warn',
    },
    { label: 'snapshots', value: row.image?.snapshotIds.join(', ') || '—' },
  ];
  lineage(row, rows, workflow).forEach((link, i) => {
    lines.push({
      label: i === 0 ? 'lineage' : '',
      value: `${i === 0 ? '' : '← '.padStart(2 + (i - 1) * 2)}${link.amiId}  ${link.label}`,
      tone: i === 0 ? undefined : 'muted',
    });
  });
  const tags = Object.entries(row.image?.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
  tags.forEach(([k, v], i) => lines.push({ label: i === 0 ? 'tags' : '', value: `${k} = ${v}` }));
  if (tags.length === 0) lines.push({ label: 'tags', value: '—' });
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(0, height).map((l, i) => (
        <Box key={i} height={1}>
          <Box width={11} flexShrink={0}>
            <Text color={tone('muted')}>{l.label}</Text>
          </Box>
          <Text wrap="truncate" color={l.tone ? tone(l.tone) : undefined}>
            {l.value}
          </Text>
        </Box>
      ))}
    </Box>
  );
}

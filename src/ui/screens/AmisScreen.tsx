import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AmiDetails } from '../components/AmiDetails.js';
import { DeletePanel } from '../components/DeletePanel.js';
import { SpinnerWithElapsed } from '../components/SpinnerWithElapsed.js';
import { Table, type Column } from '../components/Table.js';
import { TextField } from '../components/TextField.js';
import type { AppContext } from '../context.js';
import { formatAge } from '../hooks/useElapsed.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { useWorkflowAmis, type AmiRow } from '../hooks/useWorkflowAmis.js';
import { isKey } from '../keys.js';
import { tone } from '../theme.js';

type SortKey = 'step' | 'newest' | 'state' | 'id';
const sortOrder: SortKey[] = ['step', 'newest', 'state', 'id'];

export function sortRows(rows: AmiRow[], by: SortKey, stepOrder: string[]): AmiRow[] {
  const stepIndex = (r: AmiRow) => {
    const i = stepOrder.indexOf(r.stepId);
    return i < 0 ? stepOrder.length : i;
  };
  const newest = (a: AmiRow, b: AmiRow) => b.created.localeCompare(a.created);
  const compare: Record<SortKey, (a: AmiRow, b: AmiRow) => number> = {
    step: (a, b) => stepIndex(a) - stepIndex(b) || newest(a, b),
    newest,
    state: (a, b) => a.state.localeCompare(b.state) || newest(a, b),
    id: (a, b) => a.amiId.localeCompare(b.amiId),
  };
  return [...rows].sort(compare[by]);
}

const columns: Column<AmiRow>[] = [
  { title: 'STEP', width: 14, value: (r) => r.stepId },
  { title: 'AMI', width: 21, value: (r) => r.amiId },
  { title: 'STATE', width: 10, value: (r) => r.state, tone: (r) => (r.state === 'available' ? 'ok' : 'warn') },
  { title: 'AGE', width: 8, value: (r) => formatAge(r.created) },
  { title: 'CATALOG', width: 8, value: (r) => (r.item ? (r.item.build_method ?? 'yes') : 'no'), tone: (r) => (r.item ? undefined : 'warn') },
  { title: 'NAME', value: (r) => r.name },
];

// A row's searchable text, made once per loaded row rather than on every keystroke.
const searchTexts = new WeakMap<AmiRow, string>();
function searchText(r: AmiRow): string {
  let text = searchTexts.get(r);
  if (text === undefined) {
    // Every column the table shows, as it shows it: what the eye finds, the filter finds.
    text = columns
      .map((c) => c.value(r))
      .join(' ')
      .toLowerCase();
    searchTexts.set(r, text);
  }
  return text;
}

/**
 * The filter over one list of rows. Each row's text is read once; a longer filter looks only at
 * the rows a shorter one kept (a row holding "step-012" holds "step-01"), and recent answers are
 * kept, so backspace costs nothing.
 */
export function rowFilter(rows: AmiRow[]): { apply(text: string): AmiRow[]; warm(): void } {
  let texts: string[] | null = null;
  const found = new Map<string, number[]>();
  const warm = () => (texts ??= rows.map(searchText));
  return {
    warm,
    apply(text) {
      const needle = text.trim().toLowerCase();
      if (!needle) return rows;
      const all = warm();
      let hits = found.get(needle);
      if (!hits) {
        let from: number[] | undefined;
        for (let n = needle.length - 1; n > 0 && !from; n--) from = found.get(needle.slice(0, n));
        hits = [];
        if (from) {
          for (const i of from) if (all[i]!.includes(needle)) hits.push(i);
        } else {
          for (let i = 0; i < all.length; i++) if (all[i]!.includes(needle)) hits.push(i);
        }
        if (found.size >= 64) found.clear();
        found.set(needle, hits);
      }
      return hits.map((i) => rows[i]!);
    },
  };
}

export function filterRows(rows: AmiRow[], text: string): AmiRow[] {
  return rowFilter(rows).apply(text);
}

/** The workflow's AMIs: filter, sort, details with lineage, multi-select and safe delete. */
export function AmisScreen({ ctx }: { ctx: AppContext }) {
  const { rows, error, refresh, startedAt } = useWorkflowAmis(ctx.cloud, ctx.workflow);
  const [filter, setFilter] = useState('');
  const [filtering, setFiltering] = useState(false);
  const [sortBy, setSortBy] = useState<SortKey>('step');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [details, setDetails] = useState<AmiRow | null>(null);
  const [deleting, setDeleting] = useState<string[] | null>(null);
  const stepOrder = useMemo(() => ctx.workflow.steps.map((s) => s.id), [ctx.workflow]);
  const sorted = useMemo(() => sortRows(rows ?? [], sortBy, stepOrder), [rows, sortBy, stepOrder]);
  const rowsFilter = useMemo(() => rowFilter(sorted), [sorted]);
  const shown = useMemo(() => rowsFilter.apply(filter), [rowsFilter, filter]);
  // Each row's text is made when the filter opens, after its frame: the first key only compares.
  useEffect(() => {
    if (filtering) rowsFilter.warm();
  }, [filtering, rowsFilter]);
  const tableHeight = Math.max(2, ctx.bodyRows - 2);
  const { cursor, handle } = useListCursor(shown.length, tableHeight - 1, `amis:${ctx.workflow.dir}`);
  const current = shown[cursor];

  useEffect(() => {
    if (error) ctx.showError(error);
  }, [error, ctx]);

  const closeDelete = useCallback(
    (changed: boolean) => {
      setDeleting(null);
      ctx.setBackHandler(null);
      ctx.setHints(null);
      if (changed) {
        setSelected(new Set());
        void refresh();
      }
    },
    [ctx, refresh],
  );

  useEffect(() => {
    if (deleting) return;
    ctx.setBackHandler(() => {
      if (details) {
        setDetails(null);
        return true;
      }
      if (filter) {
        setFilter('');
        return true;
      }
      return false;
    });
  }, [ctx, details, filter, deleting]);

  useKeys(
    (input, key) => {
      if (details) return;
      if (handle(input, key)) return;
      if (isKey('search', input, key)) setFiltering(true);
      else if (isKey('sort', input, key)) setSortBy((s) => sortOrder[(sortOrder.indexOf(s) + 1) % sortOrder.length]!);
      else if (isKey('refresh', input, key)) void refresh();
      else if (!current) return;
      else if (isKey('select', input, key)) {
        setSelected((s) => {
          const next = new Set(s);
          if (next.has(current.amiId)) next.delete(current.amiId);
          else next.add(current.amiId);
          return next;
        });
      } else if (isKey('open', input, key)) setDetails(current);
      else if (isKey('remove', input, key)) {
        const ids = selected.size ? [...selected] : [current.amiId];
        const gone = ids.filter((id) => rows?.find((r) => r.amiId === id)?.state === 'gone');
        if (gone.length) ctx.showError(`${gone.join(', ')} is no longer in EC2 — nothing to delete there`);
        else setDeleting(ids);
      }
    },
    { isActive: !filtering && !deleting },
  );

  if (deleting) return <DeletePanel ctx={ctx} amiIds={deleting} height={ctx.bodyRows} onClose={closeDelete} />;
  if (details) return <AmiDetails row={details} rows={rows ?? []} workflow={ctx.workflow} height={ctx.bodyRows} />;
  return (
    <Box flexDirection="column">
      <Box height={1}>
        {filtering ? (
          <>
            <Text>Filter: </Text>
            <TextField
              focused
              value={filter}
              onChange={setFilter}
              onSubmit={() => setFiltering(false)}
              onCancel={() => {
                setFilter('');
                setFiltering(false);
              }}
            />
          </>
        ) : rows === null ? (
          <SpinnerWithElapsed label="reading the catalog and EC2" startedAt={startedAt} />
        ) : (
          <Text wrap="truncate" color={tone('muted')}>
            {shown.length} of {rows.length} AMIs · sorted by {sortBy}
            {filter ? ` · filter "${filter}"` : ''}
            {selected.size ? ` · ${selected.size} selected` : ''}
          </Text>
        )}
      </Box>
      <Table
        rows={shown}
        columns={columns}
        cursor={cursor}
        height={tableHeight}
        width={ctx.columns}
        isSelected={(r) => selected.has(r.amiId)}
        empty={rows === null ? 'loading…' : filter ? 'no AMI matches the filter' : 'no AMIs yet — build a step first'}
      />
    </Box>
  );
}

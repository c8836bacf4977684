import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { errorLine } from '../../errors.js';
import type { Step } from '../../workflow/types.js';
import { Confirm } from '../components/Confirm.js';
import { TextField } from '../components/TextField.js';
import { runEditor } from '../editor.js';
import type { AppContext } from '../context.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { isKey, keyMatches } from '../keys.js';
import { tone } from '../theme.js';
import { checkField, fieldValue, stepFields, valueText, workflowFields, type ParamField } from './params-fields.js';

/** A change not yet written: a new value, or the removal of a map entry. */
type Change = { field: ParamField; value: unknown } | { field: ParamField; remove: true };
type Editing = { field: ParamField; text: string } | { adding: string; key: string | null; text: string };

const keyOf = (path: string[]) => JSON.stringify(path);

/** Credentials are not drawn on screen (someone may be looking, or recording). */
const isSecret = (field: ParamField) => /secret|session_token/.test(field.label);

function shown(field: ParamField, change: Change | undefined): string {
  if (change && 'remove' in change) return '(removed)';
  const value = change ? change.value : field.value;
  if (field.label === 'previous_step_id' && value === null) return '(none: first step)';
  if (value === undefined) return field.kind === 'optional' ? '(not set)' : '(missing)';
  if (value === null) return field.kind === 'optional' ? 'null (the default)' : 'null';
  if (isSecret(field) && value) return '•••••••• (set; Enter shows it while editing)';
  return valueText(value);
}

/**
 * A form over workflow_param.json and each step_param.json: typed fields checked as you type,
 * tags and metadata maps, unknown keys kept and shown. Ctrl-S writes the changes into the file
 * text (comments stay); `e` hands the file to $EDITOR.
 */
export function ParamsScreen({ ctx, stepId }: { ctx: AppContext; stepId?: string }) {
  const files = useMemo(() => [null, ...ctx.workflow.steps] as (Step | null)[], [ctx.workflow]);
  const [fileIndex, setFileIndex] = useState(() => Math.max(0, stepId ? files.findIndex((s) => s?.id === stepId) : 0));
  const step = files[Math.min(fileIndex, files.length - 1)] ?? null;
  const fields = useMemo(() => (step ? stepFields(ctx.workflow, step) : workflowFields(ctx.workflow)), [ctx.workflow, step]);
  const [changes, setChanges] = useState<Map<string, Change>>(new Map());
  const [editing, setEditing] = useState<Editing | null>(null);
  const [discarding, setDiscarding] = useState<(() => void) | null>(null);
  const listRows = Math.max(3, ctx.bodyRows - 4);
  const { cursor, handle } = useListCursor(fields.length, listRows, `params:${ctx.workflow.dir}`);
  const field = fields[cursor];
  const file = step ? step.paramPath : ctx.workflow.paramPath;
  const mapName = step ? 'metadata' : 'aws_tags';

  const leave = (then: () => void) => (changes.size ? setDiscarding(() => then) : then());
  useEffect(() => {
    ctx.setBackHandler(() => {
      if (!changes.size) return false;
      setDiscarding(() => () => ctx.back());
      return true;
    });
  }, [ctx, changes]);

  const save = async () => {
    if (!changes.size) return ctx.notify('nothing to save');
    const { setJsonValue, removeJsonValue } = await import('../../workflow/edit.js');
    const { setParam } = await import('../../workflow/params.js');
    let written = 0;
    try {
      for (const change of changes.values()) {
        const path = change.field.path;
        if ('remove' in change) await removeJsonValue(file, path);
        else if (path.length === 1) await setParam(ctx.workflow, step ?? undefined, path[0]!, change.value);
        else await setJsonValue(file, path, change.value);
        written++;
      }
      setChanges(new Map());
      ctx.notify(`saved ${written} change(s) to ${file} — comments kept`);
    } catch (e) {
      ctx.showError(written ? `saved ${written} change(s), then: ${errorLine(e)}` : e);
    }
    await ctx.reload();
  };

  const openEditor = async () => {
    const failure = await ctx.suspend(() => Promise.resolve(runEditor(file)));
    if (failure) {
      ctx.showError(failure);
      return;
    }
    setChanges(new Map());
    await ctx.reload();
    ctx.notify(`reloaded ${file} after the editor`);
  };

  const stage = (f: ParamField, change: Change | null) => {
    setChanges((c) => {
      const next = new Map(c);
      if (change) next.set(keyOf(f.path), change);
      else next.delete(keyOf(f.path));
      return next;
    });
  };

  useKeys(
    (input, key) => {
      if (handle(input, key)) return;
      if (isKey('nextField', input, key) || isKey('prevField', input, key)) {
        const to = (fileIndex + (key.shift ? files.length - 1 : 1)) % files.length;
        leave(() => {
          setChanges(new Map());
          setFileIndex(to);
        });
      } else if (isKey('save', input, key)) void save();
      else if (isKey('editor', input, key)) leave(() => void openEditor());
      else if (isKey('add', input, key)) setEditing({ adding: mapName, key: null, text: '' });
      else if (!field) return;
      else if (isKey('remove', input, key)) {
        if (field.kind === 'entry') stage(field, { field, remove: true });
        else ctx.notify('only tags and metadata entries can be deleted here (e opens the file)');
      } else if (field.kind === 'choice' && (keyMatches('left', input, key) || keyMatches('right', input, key))) {
        const choices = field.choices!;
        const current = shown(field, changes.get(keyOf(field.path)));
        const at = Math.max(0, choices.indexOf(current));
        const text = choices[(at + (key.leftArrow ? choices.length - 1 : 1)) % choices.length]!;
        const value = fieldValue(field, text);
        stage(field, value === field.value ? null : { field, value });
      } else if (isKey('open', input, key) && field.kind !== 'choice') {
        const change = changes.get(keyOf(field.path));
        setEditing({ field, text: change && 'value' in change ? valueText(change.value) : valueText(field.value) });
      }
    },
    { isActive: !editing && !discarding },
  );

  const problem = editing && 'field' in editing ? checkField(editing.field, editing.text) : null;
  const top = Math.max(0, Math.min(cursor - listRows + 1, fields.length - listRows));
  return (
    <Box flexDirection="column">
      <Box height={1}>
        <Text wrap="truncate">
          {files.map((s, i) => (
            <Text key={s?.id ?? '(workflow)'} inverse={i === fileIndex} bold={i === fileIndex}>
              {' '}
              {s ? `${s.id}/step_param.json` : 'workflow_param.json'}{' '}
            </Text>
          ))}
        </Text>
      </Box>
      <Box flexDirection="column" height={listRows}>
        {fields.slice(top, top + listRows).map((f, i) => {
          const change = changes.get(keyOf(f.path));
          const isCursor = top + i === cursor;
          const editingThis = isCursor && editing && 'field' in editing;
          return (
            <Box key={keyOf(f.path)} height={1}>
              <Box width={30} flexShrink={0}>
                <Text wrap="truncate" inverse={isCursor && !editingThis} color={f.kind === 'unknown' ? tone('warn') : undefined}>
                  {change ? '* ' : '  '}
                  {f.label}
                </Text>
              </Box>
              {editingThis ? (
                <TextField
                  focused
                  value={editing.text}
                  onChange={(text) => setEditing({ field: f, text })}
                  onSubmit={(text) => {
                    if (checkField(f, text)) return;
                    const value = fieldValue(f, text);
                    stage(f, value === f.value ? null : { field: f, value });
                    setEditing(null);
                  }}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <Text wrap="truncate" color={change ? tone('accent') : f.value === undefined ? tone('muted') : undefined}>
                  {shown(f, change)}
                  {f.kind === 'unknown' ? '  (unknown key: kept and passed to templates)' : ''}
                </Text>
              )}
            </Box>
          );
        })}
      </Box>
      <Box height={1}>
        {editing && 'adding' in editing ? (
          <>
            <Text>{editing.key === null ? `new ${editing.adding} key: ` : `${editing.adding}.${editing.key} = `}</Text>
            <TextField
              focused
              value={editing.text}
              onChange={(text) => setEditing({ ...editing, text })}
              onSubmit={(text) => {
                if (editing.key === null) {
                  if (text.trim()) setEditing({ ...editing, key: text.trim(), text: '' });
                  return;
                }
                const f: ParamField = { path: [editing.adding, editing.key], label: `${editing.adding}.${editing.key}`, kind: 'entry', value: undefined, map: editing.adding };
                stage(f, { field: f, value: text });
                setEditing(null);
                ctx.notify(`${f.label} will be added on save (Ctrl-S)`);
              }}
              onCancel={() => setEditing(null)}
            />
          </>
        ) : problem ? (
          <Text color={tone('error')}>✖ {problem}</Text>
        ) : discarding ? (
          <Confirm
            message={`Discard ${changes.size} unsaved change(s)?`}
            onAnswer={(yes) => {
              const then = discarding;
              setDiscarding(null);
              if (yes) {
                setChanges(new Map());
                then();
              }
            }}
          />
        ) : (
          <Text wrap="truncate" color={tone('muted')}>
            {(changes.size ? `${changes.size} unsaved change(s) — Ctrl-S saves` : `Enter edits · ←/→ changes a choice · + adds to ${mapName}`)}
          </Text>
        )}
      </Box>
      <Box height={1}>
        <Text wrap="truncate" color={tone('muted')}>
          {file}
        </Text>
      </Box>
    </Box>
  );
}

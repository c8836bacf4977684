import { Box, Text } from 'ink';
import { useEffect, useMemo, useReducer } from 'react';
import type { Step } from '../../workflow/types.js';
import { Confirm } from '../components/Confirm.js';
import { TextField } from '../components/TextField.js';
import { runEditor } from '../editor.js';
import type { AppContext } from '../context.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { isKey, keyMatches } from '../keys.js';
import { tone } from '../theme.js';
import { stepFields, workflowFields } from './params-fields.js';
import { editProblem, editsOf, initialParamsState, keyOf, newEntry, paramsReducer, shown, type After } from './params-state.js';

/**
 * A form over workflow_param.json and each step_param.json: typed fields checked as you type,
 * tags and metadata maps, unknown keys kept and shown. Ctrl-S writes the changes into the file
 * text (comments stay); `e` hands the file to $EDITOR.
 */
export function ParamsScreen({ ctx, stepId }: { ctx: AppContext; stepId?: string }) {
  const files = useMemo(() => [null, ...ctx.workflow.steps] as (Step | null)[], [ctx.workflow]);
  const [state, dispatch] = useReducer(paramsReducer, Math.max(0, stepId ? files.findIndex((s) => s?.id === stepId) : 0), initialParamsState);
  const { fileIndex, changes, editing, discarding } = state;
  const step = files[Math.min(fileIndex, files.length - 1)] ?? null;
  const fields = useMemo(() => (step ? stepFields(ctx.workflow, step) : workflowFields(ctx.workflow)), [ctx.workflow, step]);
  const listRows = Math.max(3, ctx.bodyRows - 4);
  const { cursor, handle } = useListCursor(fields.length, listRows, `params:${ctx.workflow.dir}`);
  const field = fields[cursor];
  const file = step ? step.paramPath : ctx.workflow.paramPath;
  const mapName = step ? 'metadata' : 'aws_tags';

  /** Does what waited for the changes to be saved or discarded. */
  const proceed = (after: After) => {
    if (after.kind === 'file') dispatch({ type: 'openFile', to: after.to });
    else if (after.kind === 'editor') void openEditor();
    else ctx.back();
  };
  const leave = (after: After) => (changes.size ? dispatch({ type: 'askDiscard', after }) : proceed(after));
  useEffect(() => {
    ctx.setBackHandler(() => {
      if (!changes.size) return false;
      dispatch({ type: 'askDiscard', after: { kind: 'back' } });
      return true;
    });
  }, [ctx, changes]);

  const save = async () => {
    if (!changes.size) return ctx.notify('nothing to save');
    const { setParams } = await import('../../workflow/params.js');
    try {
      // Every change in one atomic write: the file has all of them or none.
      await setParams(ctx.workflow, step ?? undefined, editsOf(changes));
      dispatch({ type: 'clearChanges' });
      ctx.notify(`saved ${changes.size} change(s) to ${file} — comments kept`);
    } catch (e) {
      ctx.showError(e);
    }
    await ctx.reload();
  };

  async function openEditor() {
    const failure = await ctx.suspend(() => Promise.resolve(runEditor(file)));
    if (failure) {
      ctx.showError(failure);
      return;
    }
    dispatch({ type: 'clearChanges' });
    await ctx.reload();
    ctx.notify(`reloaded ${file} after the editor`);
  }

  useKeys(
    (input, key) => {
      if (handle(input, key)) return;
      if (isKey('nextField', input, key) || isKey('prevField', input, key)) {
        leave({ kind: 'file', to: (fileIndex + (key.shift ? files.length - 1 : 1)) % files.length });
      } else if (isKey('save', input, key)) void save();
      else if (isKey('editor', input, key)) leave({ kind: 'editor' });
      else if (isKey('add', input, key)) dispatch({ type: 'startAdd', map: mapName });
      else if (!field) return;
      else if (isKey('remove', input, key)) {
        if (field.kind === 'entry') dispatch({ type: 'remove', field });
        else ctx.notify('only tags and metadata entries can be deleted here (e opens the file)');
      } else if (field.kind === 'choice' && (keyMatches('left', input, key) || keyMatches('right', input, key))) {
        dispatch({ type: 'cycleChoice', field, back: key.leftArrow });
      } else if (isKey('open', input, key) && field.kind !== 'choice') dispatch({ type: 'startEdit', field });
    },
    { isActive: !editing && !discarding },
  );

  const problem = editProblem(state);
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
                  onChange={(text) => dispatch({ type: 'editText', text })}
                  onSubmit={(text) => dispatch({ type: 'submitEdit', text })}
                  onCancel={() => dispatch({ type: 'cancelEdit' })}
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
              onChange={(text) => dispatch({ type: 'editText', text })}
              onSubmit={(text) => {
                dispatch({ type: 'submitEdit', text });
                if (editing.key !== null) ctx.notify(`${newEntry(editing.adding, editing.key).label} will be added on save (Ctrl-S)`);
              }}
              onCancel={() => dispatch({ type: 'cancelEdit' })}
            />
          </>
        ) : problem ? (
          <Text color={tone('error')}>✖ {problem}</Text>
        ) : discarding ? (
          <Confirm
            message={`Discard ${changes.size} unsaved change(s)?`}
            onAnswer={(yes) => {
              dispatch({ type: 'answerDiscard', yes });
              if (yes && discarding.kind !== 'file') proceed(discarding);
            }}
          />
        ) : (
          <Text wrap="truncate" color={tone('muted')}>
            {changes.size ? `${changes.size} unsaved change(s) — Ctrl-S saves` : `Enter edits · ←/→ changes a choice · + adds to ${mapName}`}
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

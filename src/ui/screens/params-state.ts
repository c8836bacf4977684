import type { JsonEdit } from '../../workflow/edit.js';
import { checkField, fieldValue, valueText, type ParamField } from './params-fields.js';

/**
 * The params form's state and every change to it, apart from drawing: the screen dispatches
 * what the person did and draws the state; reading and writing files stay in the screen.
 */

/** A change not yet written: a new value, or the removal of a map entry. */
export type Change = { field: ParamField; value: unknown } | { field: ParamField; remove: true };

/** A field's text being edited, or a new map entry: its key first, then its value. */
export type Editing = { field: ParamField; text: string } | { adding: string; key: string | null; text: string };

/** What waits for unsaved changes to be discarded: another file, the editor, or going back. */
export type After = { kind: 'file'; to: number } | { kind: 'editor' } | { kind: 'back' };

export interface ParamsState {
  /** Which file: 0 is workflow_param.json, then each step's step_param.json. */
  fileIndex: number;
  /** Unsaved changes by field path. */
  changes: ReadonlyMap<string, Change>;
  editing: Editing | null;
  /** Asking whether to discard the changes before `After`. */
  discarding: After | null;
}

export type ParamsAction =
  | { type: 'openFile'; to: number }
  | { type: 'askDiscard'; after: After }
  | { type: 'answerDiscard'; yes: boolean }
  | { type: 'stage'; field: ParamField; change: Change | null }
  | { type: 'cycleChoice'; field: ParamField; back: boolean }
  | { type: 'remove'; field: ParamField }
  | { type: 'startEdit'; field: ParamField }
  | { type: 'startAdd'; map: string }
  | { type: 'editText'; text: string }
  | { type: 'submitEdit'; text: string }
  | { type: 'cancelEdit' }
  /** The changes were written, or the file was replaced (the editor): none are pending. */
  | { type: 'clearChanges' };

export const keyOf = (path: string[]) => JSON.stringify(path);

/** Credentials are not drawn on screen (someone may be looking, or recording). */
const isSecret = (field: ParamField) => /secret|session_token/.test(field.label);

/** A field's value as the form shows it, with its unsaved change. */
export function shown(field: ParamField, change: Change | undefined): string {
  if (change && 'remove' in change) return '(removed)';
  const value = change ? change.value : field.value;
  if (field.label === 'previous_step_id' && value === null) return '(none: first step)';
  if (value === undefined) return field.kind === 'optional' ? '(not set)' : '(missing)';
  if (value === null) return field.kind === 'optional' ? 'null (the default)' : 'null';
  if (isSecret(field) && value) return '•••••••• (set; Enter shows it while editing)';
  return valueText(value);
}

export function initialParamsState(fileIndex: number): ParamsState {
  return { fileIndex, changes: new Map(), editing: null, discarding: null };
}

function staged(state: ParamsState, field: ParamField, change: Change | null): ParamsState {
  const changes = new Map(state.changes);
  if (change) changes.set(keyOf(field.path), change);
  else changes.delete(keyOf(field.path));
  return { ...state, changes };
}

/** A value typed for a field: a change, or none when it is what the file holds. */
const changeTo = (field: ParamField, value: unknown): Change | null => (value === field.value ? null : { field, value });

export function paramsReducer(state: ParamsState, action: ParamsAction): ParamsState {
  switch (action.type) {
    case 'openFile':
      return { ...state, fileIndex: action.to, changes: new Map(), discarding: null };
    case 'askDiscard':
      return { ...state, discarding: action.after };
    case 'answerDiscard': {
      const after = state.discarding;
      if (!action.yes || !after) return { ...state, discarding: null };
      // The screen does what waited (the editor, going back); another file is state.
      const next: ParamsState = { ...state, changes: new Map(), discarding: null };
      return after.kind === 'file' ? { ...next, fileIndex: after.to } : next;
    }
    case 'stage':
      return staged(state, action.field, action.change);
    case 'cycleChoice': {
      const choices = action.field.choices ?? [];
      if (choices.length === 0) return state;
      const current = shown(action.field, state.changes.get(keyOf(action.field.path)));
      const at = Math.max(0, choices.indexOf(current));
      const text = choices[(at + (action.back ? choices.length - 1 : 1)) % choices.length] ?? current;
      return staged(state, action.field, changeTo(action.field, fieldValue(action.field, text)));
    }
    case 'remove':
      return action.field.kind === 'entry' ? staged(state, action.field, { field: action.field, remove: true }) : state;
    case 'startEdit': {
      const change = state.changes.get(keyOf(action.field.path));
      return { ...state, editing: { field: action.field, text: valueText(change && 'value' in change ? change.value : action.field.value) } };
    }
    case 'startAdd':
      return { ...state, editing: { adding: action.map, key: null, text: '' } };
    case 'editText':
      return state.editing ? { ...state, editing: { ...state.editing, text: action.text } } : state;
    case 'submitEdit': {
      const editing = state.editing;
      if (!editing) return state;
      if ('field' in editing) {
        // A value that fails its check stays in the field, with the check's words under it.
        if (checkField(editing.field, action.text)) return state;
        return { ...staged(state, editing.field, changeTo(editing.field, fieldValue(editing.field, action.text))), editing: null };
      }
      if (editing.key === null) {
        const key = action.text.trim();
        return key ? { ...state, editing: { ...editing, key, text: '' } } : state;
      }
      const field = newEntry(editing.adding, editing.key);
      return { ...staged(state, field, { field, value: action.text }), editing: null };
    }
    case 'cancelEdit':
      return { ...state, editing: null };
    case 'clearChanges':
      return { ...state, changes: new Map() };
  }
}

/** A new entry of a map (aws_tags, metadata), not yet in the file. */
export function newEntry(map: string, key: string): ParamField {
  return { path: [map, key], label: `${map}.${key}`, kind: 'entry', value: undefined, map };
}

/** What a problem under the form says: the check of the text being edited. */
export function editProblem(state: ParamsState): string | null {
  const editing = state.editing;
  return editing && 'field' in editing ? checkField(editing.field, editing.text) : null;
}

/** The unsaved changes as edits of the file, written together in one atomic write. */
export function editsOf(changes: ReadonlyMap<string, Change>): JsonEdit[] {
  return [...changes.values()].map((c) => ({ path: c.field.path, value: 'remove' in c ? undefined : c.value }));
}

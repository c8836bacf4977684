import { describe, expect, it } from 'vitest';
import type { ParamField } from '../../src/ui/screens/params-fields.js';
import {
  editProblem,
  editsOf,
  initialParamsState,
  keyOf,
  paramsReducer,
  shown,
  type ParamsAction,
  type ParamsState,
} from '../../src/ui/screens/params-state.js';

const vpc: ParamField = { path: ['vpc_name'], label: 'vpc_name', kind: 'text', value: 'vpc-main' };
const isDefault: ParamField = { path: ['is_default_vpc'], label: 'is_default_vpc', kind: 'choice', value: 'true', choices: ['true', 'false'] };
const team: ParamField = { path: ['aws_tags', 'team'], label: 'aws_tags.team', kind: 'entry', value: 'platform', map: 'aws_tags' };
const secret: ParamField = { path: ['aws_secret_access_key'], label: 'aws_secret_access_key', kind: 'optional', value: 'abc' };

const run = (actions: ParamsAction[], state: ParamsState = initialParamsState(0)) => actions.reduce(paramsReducer, state);

describe('the params form state', () => {
  it("an edited value is a change; typing the file's value back drops it", () => {
    let s = run([{ type: 'startEdit', field: vpc }]);
    expect(s.editing).toEqual({ field: vpc, text: 'vpc-main' });
    s = run(
      [
        { type: 'editText', text: 'vpc-b' },
        { type: 'submitEdit', text: 'vpc-b' },
      ],
      s,
    );
    expect(s.editing).toBeNull();
    expect(s.changes.get(keyOf(vpc.path))).toEqual({ field: vpc, value: 'vpc-b' });
    // Editing again starts from the unsaved value.
    expect(run([{ type: 'startEdit', field: vpc }], s).editing).toEqual({ field: vpc, text: 'vpc-b' });
    s = run(
      [
        { type: 'startEdit', field: vpc },
        { type: 'submitEdit', text: 'vpc-main' },
      ],
      s,
    );
    expect(s.changes.size).toBe(0);
  });

  it("a value that fails its check stays in the field with the check's words", () => {
    const s = run([
      { type: 'startEdit', field: vpc },
      { type: 'editText', text: '' },
      { type: 'submitEdit', text: '' },
    ]);
    expect(s.editing).toEqual({ field: vpc, text: '' });
    expect(editProblem(s)).toBe('required');
    expect(s.changes.size).toBe(0);
  });

  it('a choice cycles both ways and back to no change', () => {
    let s = run([{ type: 'cycleChoice', field: isDefault, back: false }]);
    expect(shown(isDefault, s.changes.get(keyOf(isDefault.path)))).toBe('false');
    s = run([{ type: 'cycleChoice', field: isDefault, back: true }], s);
    expect(s.changes.size).toBe(0);
  });

  it('a new entry takes a key, then a value; an empty key is not taken', () => {
    let s = run([
      { type: 'startAdd', map: 'aws_tags' },
      { type: 'submitEdit', text: '  ' },
    ]);
    expect(s.editing).toEqual({ adding: 'aws_tags', key: null, text: '' });
    s = run(
      [
        { type: 'submitEdit', text: ' env ' },
        { type: 'editText', text: 'dev' },
        { type: 'submitEdit', text: 'dev' },
      ],
      s,
    );
    expect(s.editing).toBeNull();
    expect(editsOf(s.changes)).toEqual([{ path: ['aws_tags', 'env'], value: 'dev' }]);
  });

  it('only map entries are removed; a removal is an edit to undefined', () => {
    const s = run([
      { type: 'remove', field: vpc },
      { type: 'remove', field: team },
    ]);
    expect(shown(team, s.changes.get(keyOf(team.path)))).toBe('(removed)');
    expect(editsOf(s.changes)).toEqual([{ path: ['aws_tags', 'team'], value: undefined }]);
  });

  it('leaving with changes asks; no keeps them, yes drops them and opens the other file', () => {
    const changed = run([
      { type: 'remove', field: team },
      { type: 'askDiscard', after: { kind: 'file', to: 2 } },
    ]);
    expect(changed.discarding).toEqual({ kind: 'file', to: 2 });
    const kept = run([{ type: 'answerDiscard', yes: false }], changed);
    expect([kept.discarding, kept.changes.size, kept.fileIndex]).toEqual([null, 1, 0]);
    const dropped = run([{ type: 'answerDiscard', yes: true }], changed);
    expect([dropped.discarding, dropped.changes.size, dropped.fileIndex]).toEqual([null, 0, 2]);
    const back = run(
      [
        { type: 'askDiscard', after: { kind: 'back' } },
        { type: 'answerDiscard', yes: true },
      ],
      changed,
    );
    expect([back.changes.size, back.fileIndex]).toEqual([0, 0]);
  });

  it('several changes are several edits of one file; saving clears them', () => {
    const s = run([
      { type: 'startEdit', field: vpc },
      { type: 'submitEdit', text: 'vpc-b' },
      { type: 'cycleChoice', field: isDefault, back: false },
      { type: 'remove', field: team },
    ]);
    expect(editsOf(s.changes)).toEqual([
      { path: ['vpc_name'], value: 'vpc-b' },
      { path: ['is_default_vpc'], value: 'false' },
      { path: ['aws_tags', 'team'], value: undefined },
    ]);
    expect(run([{ type: 'clearChanges' }], s).changes.size).toBe(0);
  });

  it('secrets are not drawn', () => {
    expect(shown(secret, undefined)).toBe('•••••••• (set; Enter shows it while editing)');
  });
});

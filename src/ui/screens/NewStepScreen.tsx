import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { errorLine } from '../../errors.js';
import type { ScaffoldKind, StepPlan } from '../../workflow/scaffold.js';
import { TextField } from '../components/TextField.js';
import type { AppContext } from '../context.js';
import { useKeys } from '../hooks/useKeys.js';
import { isKey, keyMatches } from '../keys.js';
import { tone } from '../theme.js';

type FieldId = 'id' | 'folder' | 'previous' | 'scaffold' | 'metadata';
const order: FieldId[] = ['id', 'folder', 'previous', 'scaffold', 'metadata'];
const scaffolds: ScaffoldKind[] = ['step1', 'manual'];

/** `purpose=base layer, owner=platform` → { purpose: 'base layer', owner: 'platform' }. */
export function parseMetadata(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf('=');
    if (at <= 0) return `"${part}" is not key=value`;
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

type Preview = { kind: 'none' } | { kind: 'plan'; plan: StepPlan } | { kind: 'problem'; message: string };

/** Creates a step from a scaffold, chained to a step of the chain, after showing its files. */
export function NewStepScreen({ ctx }: { ctx: AppContext }) {
  const chain = ctx.workflow.steps.map((s) => s.id);
  const [values, setValues] = useState({ id: '', folder: '', previous: chain.at(-1) ?? '', scaffold: 'step1' as ScaffoldKind, metadata: '' });
  const [focus, setFocus] = useState(0);
  const [preview, setPreview] = useState<Preview>({ kind: 'none' });
  const [created, setCreated] = useState<StepPlan | null>(null);
  const metadata = useMemo(() => parseMetadata(values.metadata), [values.metadata]);
  const spec = useMemo(
    () =>
      typeof metadata === 'string'
        ? null
        : { id: values.id.trim(), folder: values.folder.trim() || undefined, previous: values.previous || null, scaffold: values.scaffold, metadata },
    [values, metadata],
  );

  useEffect(() => {
    if (created) return;
    if (typeof metadata === 'string') return setPreview({ kind: 'problem', message: `metadata: ${metadata}` });
    if (!spec?.id) return setPreview({ kind: 'none' });
    let live = true;
    void (async () => {
      try {
        const { previewStep } = await import('../../workflow/scaffold.js');
        const plan = await previewStep(ctx.workflow, spec);
        if (live) setPreview({ kind: 'plan', plan });
      } catch (e) {
        if (live) setPreview({ kind: 'problem', message: errorLine(e) });
      }
    })();
    return () => {
      live = false;
    };
  }, [spec, ctx.workflow, created, metadata]);

  const create = async () => {
    if (!spec || preview.kind !== 'plan') return ctx.showError(preview.kind === 'problem' ? preview.message : 'give the new step an id first');
    try {
      const { createStep } = await import('../../workflow/scaffold.js');
      setCreated(await createStep(ctx.workflow, spec));
      await ctx.reload();
    } catch (e) {
      ctx.showError(e);
    }
  };

  const field = order[focus]!;
  useKeys((input, key) => {
    if (created) return;
    if (isKey('nextField', input, key) || keyMatches('down', input, key)) setFocus((f) => (f + 1) % order.length);
    else if (isKey('prevField', input, key) || keyMatches('up', input, key)) setFocus((f) => (f + order.length - 1) % order.length);
    else if (isKey('save', input, key)) void create();
    else if ((field === 'previous' || field === 'scaffold') && (keyMatches('left', input, key) || keyMatches('right', input, key))) {
      const list: string[] = field === 'previous' ? (chain.length ? chain : ['']) : scaffolds;
      const at = Math.max(0, list.indexOf(values[field]));
      const next = list[(at + (key.leftArrow ? list.length - 1 : 1)) % list.length]!;
      setValues({ ...values, [field]: next });
    } else if (isKey('open', input, key) && (field === 'previous' || field === 'scaffold')) setFocus((f) => Math.min(order.length - 1, f + 1));
  });

  const text = (id: 'id' | 'folder' | 'metadata', placeholder: string) => (
    <TextField
      focused={field === id && !created}
      value={values[id]}
      placeholder={placeholder}
      onChange={(v) => setValues((old) => ({ ...old, [id]: v }))}
      onSubmit={() => (id === 'metadata' ? void create() : setFocus((f) => f + 1))}
      onCancel={() => ctx.back()}
    />
  );
  const row = (id: FieldId, label: string, body: React.ReactNode) => (
    <Box height={1} key={id}>
      <Box width={12} flexShrink={0}>
        <Text bold={field === id} color={field === id ? tone('accent') : tone('muted')}>
          {field === id ? '▸ ' : '  '}
          {label}
        </Text>
      </Box>
      {body}
    </Box>
  );
  const fileRows = Math.max(1, ctx.bodyRows - 9);
  const plan = created ?? (preview.kind === 'plan' ? preview.plan : null);
  return (
    <Box flexDirection="column">
      {row('id', 'step id', text('id', 'e.g. pyenv'))}
      {row('folder', 'folder', text('folder', values.id ? `${values.id} (the id)` : 'the id'))}
      {row('previous', 'builds on', <Text inverse={field === 'previous'}>{values.previous ? `‹ ${values.previous} ›` : '(nothing: the first step)'}</Text>)}
      {row(
        'scaffold',
        'scaffold',
        <Text inverse={field === 'scaffold'}>
          ‹ {values.scaffold} ›{values.scaffold === 'manual' ? ' (no templates: built by hand)' : ' (Packer templates)'}
        </Text>,
      )}
      {row('metadata', 'metadata', text('metadata', 'key=value, key=value'))}
      <Box height={1} />
      <Box height={1}>
        {created ? (
          <Text color={tone('ok')} wrap="truncate">
            ✔ created step {created.id} in {created.dir} — Esc goes back
          </Text>
        ) : preview.kind === 'problem' ? (
          <Text color={tone('error')} wrap="truncate">
            ✖ {preview.message}
          </Text>
        ) : plan ? (
          <Text wrap="truncate">
            Will create {plan.dir} ({plan.files.length} files) after {plan.previous ?? 'nothing (first step)'} — Ctrl-S creates
          </Text>
        ) : (
          <Text color={tone('muted')}>Type the new step's id.</Text>
        )}
      </Box>
      <Box flexDirection="column" height={fileRows}>
        {(plan?.files ?? []).slice(0, fileRows).map((f) => (
          <Text key={f.path} color={tone('muted')} wrap="truncate">
            {'  '}
            {f.path}
            {f.mode & 0o111 ? ' (executable)' : ''}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

import { Box, Text } from 'ink';
import { useEffect, useEffectEvent, useState } from 'react';
import type { UbuntuChoices } from '../../aws/base-ami.js';
import type { AmiImage } from '../../aws/ports.js';
import { SpinnerWithElapsed } from '../components/SpinnerWithElapsed.js';
import { Table, type Column } from '../components/Table.js';
import type { AppContext } from '../context.js';
import { formatAge } from '../hooks/useElapsed.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { architectureMismatch } from '../../aws/instance-arch.js';
import { isKey, keyMatches } from '../keys.js';
import { tone } from '../theme.js';

type Field = 'product' | 'release' | 'arch' | 'volumeType';
const fields: { id: Field; label: string; options: (c: UbuntuChoices) => string[] }[] = [
  { id: 'product', label: 'product', options: (c) => c.products },
  { id: 'release', label: 'release', options: (c) => c.releases },
  { id: 'arch', label: 'arch', options: (c) => c.arches },
  { id: 'volumeType', label: 'volume', options: (c) => c.volumeTypes },
];

/** Sensible first choices: the plain server image, the newest numbered release, amd64, gp3. */
export function defaultQuery(c: UbuntuChoices): Record<Field, string> {
  const pick = (list: string[], wanted: string) => (list.includes(wanted) ? wanted : (list[0] ?? ''));
  return {
    product: pick(c.products, 'server'),
    release: c.releases.find((r) => /^\d+\.\d+$/.test(r)) ?? c.releases[0] ?? '',
    arch: pick(c.arches, 'amd64'),
    volumeType: pick(c.volumeTypes, 'ebs-gp3'),
  };
}

const columns: Column<AmiImage>[] = [
  { title: 'AMI', width: 21, value: (i) => i.id },
  { title: 'CREATED', width: 11, value: (i) => i.creationDate.slice(0, 10) },
  { title: 'AGE', width: 8, value: (i) => formatAge(i.creationDate) },
  { title: 'NAME', value: (i) => i.name },
];

/** The instance type the first step builds on (what the root base AMI must boot on). */
function useFirstStepInstanceType(ctx: AppContext): string | null {
  const [type, setType] = useState<string | null>(null);
  const first = ctx.workflow.steps[0];
  useEffect(() => {
    let live = true;
    void (async () => {
      const { DEFAULT_INSTANCE_TYPE } = await import('../../manual/launch.js');
      const { templateInstanceType } = await import('../../packer/plan.js');
      const found = first && !first.manual ? await templateInstanceType(first).catch(() => null) : null;
      if (live) setType(found ?? DEFAULT_INSTANCE_TYPE);
    })();
    return () => {
      live = false;
    };
  }, [first]);
  return type;
}

type Load = { kind: 'loading'; startedAt: number } | { kind: 'ready'; images: AmiImage[] } | { kind: 'failed'; message: string };

/** Picks the workflow's root base AMI among Canonical's Ubuntu AMIs and writes it (comments kept). */
export function BaseAmiScreen({ ctx }: { ctx: AppContext }) {
  const [choices, setChoices] = useState<UbuntuChoices | null>(null);
  const [query, setQuery] = useState<Record<Field, string> | null>(null);
  const [field, setField] = useState(0);
  const [load, setLoad] = useState<Load>({ kind: 'loading', startedAt: Date.now() });
  const [changed, setChanged] = useState<string[] | null>(null);
  const images = load.kind === 'ready' ? load.images : [];
  const listRows = Math.max(3, ctx.bodyRows - 10);
  const instanceType = useFirstStepInstanceType(ctx);
  const mismatch = query && instanceType ? architectureMismatch(query.arch, instanceType) : null;
  const { cursor, handle, setCursor } = useListCursor(images.length, listRows - 1);

  const reportError = useEffectEvent((e: unknown) => ctx.showError(e));
  const resetCursor = useEffectEvent(() => setCursor(0));
  useEffect(() => {
    void (async () => {
      try {
        const { listUbuntuChoices } = await import('../../aws/base-ami.js');
        const c = await listUbuntuChoices(ctx.cloud.parameters);
        setChoices(c);
        setQuery(defaultQuery(c));
      } catch (e) {
        setLoad({ kind: 'failed', message: '' });
        reportError(e);
      }
    })();
  }, [ctx.cloud]);

  useEffect(() => {
    if (!query) return;
    let live = true;
    setLoad({ kind: 'loading', startedAt: Date.now() });
    resetCursor();
    void (async () => {
      try {
        const { findBaseAmis } = await import('../../aws/base-ami.js');
        const found = await findBaseAmis(ctx.cloud, query);
        if (live) setLoad({ kind: 'ready', images: found });
      } catch (e) {
        const { errorLine } = await import('../../errors.js');
        if (live) setLoad({ kind: 'failed', message: errorLine(e) });
      }
    })();
    return () => {
      live = false;
    };
  }, [query, ctx.cloud]);

  const choose = async (image: AmiImage) => {
    const before = ctx.workflow.param;
    try {
      const { writeBaseAmi } = await import('../../aws/base-ami.js');
      await writeBaseAmi(ctx.workflow, image);
      setChanged([`root_base_ami_id:   ${before.root_base_ami_id} → ${image.id}`, `root_base_ami_name: ${before.root_base_ami_name} → ${image.name}`]);
      await ctx.reload();
    } catch (e) {
      ctx.showError(e);
    }
  };

  useKeys((input, key) => {
    if (!choices || !query) return;
    if (isKey('nextField', input, key)) setField((f) => (f + 1) % fields.length);
    else if (isKey('prevField', input, key)) setField((f) => (f + fields.length - 1) % fields.length);
    else if (keyMatches('left', input, key) || keyMatches('right', input, key)) {
      const f = fields[field]!;
      const options = f.options(choices);
      const at = options.indexOf(query[f.id]);
      const next = options[(at + (key.leftArrow ? options.length - 1 : 1)) % options.length];
      if (next) setQuery({ ...query, [f.id]: next });
    } else if (handle(input, key)) return;
    else if (isKey('open', input, key) && images[cursor]) void choose(images[cursor]!);
  });

  const current = images[cursor];
  return (
    <Box flexDirection="column">
      <Box height={1}>
        {fields.map((f, i) => (
          <Box key={f.id} marginRight={2}>
            <Text color={tone('muted')}>{f.label} </Text>
            <Text inverse={i === field} bold={i === field}>
              {query ? `‹ ${query[f.id]} ›` : '…'}
            </Text>
          </Box>
        ))}
      </Box>
      <Box height={1}>
        <Text wrap="truncate" color={tone('muted')}>
          now: {ctx.workflow.param.root_base_ami_id} {ctx.workflow.param.root_base_ami_name}
        </Text>
      </Box>
      <Box height={1}>
        {mismatch ? (
          <Text wrap="truncate" color={tone('warn')}>
            ⚠ {mismatch}
          </Text>
        ) : null}
      </Box>
      <Box height={listRows} flexDirection="column">
        {load.kind === 'loading' ? (
          <SpinnerWithElapsed label="asking Ubuntu's public parameters and EC2" startedAt={load.startedAt} />
        ) : load.kind === 'failed' ? (
          <Text color={tone('warn')} wrap="truncate">
            {load.message || 'cannot list the Ubuntu AMIs'} — change the choices with ←/→
          </Text>
        ) : (
          <Table rows={images} columns={columns} cursor={cursor} height={listRows} width={ctx.columns} empty="no AMI for these choices" />
        )}
      </Box>
      <Box flexDirection="column" height={4}>
        {changed ? (
          <>
            <Text color={tone('ok')}>✔ wrote workflow_param.json (comments kept):</Text>
            {changed.map((c) => (
              <Text key={c} wrap="truncate">
                {'  '}
                {c}
              </Text>
            ))}
          </>
        ) : current ? (
          <>
            <Text wrap="truncate">
              <Text bold>{current.id}</Text> {current.name}
            </Text>
            <Text wrap="truncate" color={tone('muted')}>
              created {current.creationDate} · {current.architecture ?? query?.arch} · owner {current.ownerId}
            </Text>
            <Text wrap="truncate" color={tone('muted')}>
              {current.description ?? ''}
            </Text>
            <Text color={tone('muted')}>Enter makes it the root base AMI.</Text>
          </>
        ) : null}
      </Box>
    </Box>
  );
}

import type { Command } from 'commander';
import type { AmiDetails, AmiRow } from '../aws/amis.js';
import type { AmiDeletion, CopyDeletion, DeletionPlan, DeletionResult } from '../aws/delete.js';
import type { Cloud } from '../aws/ports.js';
import { InterruptedError, PawError, UsageError } from '../errors.js';
import { emit, globalOptions, loadWorkflowFor, withCloud, type GlobalOptions } from './context.js';

interface ListOptions {
  workflowId?: string;
  step?: string;
  all: boolean;
}

interface DeleteOptions {
  dryRun: boolean;
  concurrency: string;
}

function rowsText(rows: AmiRow[]): string {
  if (rows.length === 0) return 'no AMIs';
  const table = [
    ['WORKFLOW', 'STEP', 'AMI', 'STATE', 'CREATED (UTC)', ''],
    ...rows.map((r) => [r.workflowId, r.stepId, r.amiId, r.state, r.createdAt.slice(0, 19).replace('T', ' '), r.recorded ? '' : '(not in catalog)']),
  ];
  const widths = table.reduce<number[]>((w, row) => row.map((cell, c) => Math.max(w[c] ?? 0, cell.length)), []);
  return table
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function detailsText(d: AmiDetails): string {
  const i = d.image;
  const lines = [
    `${i.id}  ${i.name}`,
    `  state      ${i.state}`,
    `  created    ${i.creationDate}`,
    `  owner      ${i.ownerId}`,
    `  snapshots  ${i.snapshotIds.join(', ') || '-'}`,
    `  recorded   ${d.records.map((r) => `${r.workflow_id}/${r.step_id} at ${r.create_at}`).join(', ') || 'no'}`,
    `  lineage    ${d.lineage.map((l) => (l.stepId ? `${l.amiId} (${l.stepId})` : `${l.amiId} ${l.amiName}`.trim())).join(' ← ')}`,
    '  tags',
    ...Object.entries(i.tags).map(([k, v]) => `    ${k} = ${v}`),
  ];
  return lines.join('\n');
}

function inUseWords(c: CopyDeletion): string {
  const users = [...c.instances.map((i) => `instance ${i}`), ...(c.references ?? []).map((r) => `${r.resourceType} ${r.arn}`)];
  return users.length ? `  IN USE by ${users.join(', ')}` : '';
}

function planText(plan: DeletionPlan): string {
  const lines: string[] = [];
  const describeOne = (d: AmiDeletion) => {
    lines.push(`AMI ${d.image.id}  ${d.image.name}${d.alreadyDeregistered ? '  (already deregistered: finishing what an earlier deletion left)' : ''}`);
    lines.push(`  snapshots to delete  ${d.snapshots.join(', ') || '-'}`);
    for (const k of d.keptSnapshots) lines.push(`  snapshot kept        ${k.id} (used by ${k.usedBy.join(', ')})`);
    lines.push(`  catalog items        ${d.catalogItems.map((c) => `${c.workflowId}/${c.stepId}`).join(', ') || '-'}`);
    for (const c of d.copies)
      lines.push(`  copy in ${c.region.padEnd(12)} ${c.image.id} and its snapshots ${c.image.snapshotIds.join(', ') || '-'}${inUseWords(c)}`);
    if (d.downstreamSteps.length) lines.push(`  built on it          ${d.downstreamSteps.join(', ')} (would need a rebuild)`);
    if (d.instances.length) lines.push(`  IN USE by instances  ${d.instances.join(', ')}`);
    if (d.references?.length) lines.push(`  IN USE by            ${d.references.map((r) => `${r.resourceType} ${r.arn}`).join(', ')}`);
    if (d.references === null) lines.push('  references           could not be checked (DescribeImageReferences not answered)');
  };
  for (const id of plan.alreadyDeleted) lines.push(`AMI ${id}  already deleted by an earlier run`);
  plan.amis.forEach(describeOne);
  for (const s of plan.sharedSnapshots) lines.push(`snapshot ${s.id} shared by ${s.usedBy.join(', ')}: deleted after them`);
  return lines.join('\n');
}

function planJson(plan: DeletionPlan) {
  return {
    amis: plan.amis.map((d) => ({
      ami_id: d.image.id,
      ami_name: d.image.name,
      already_deregistered: d.alreadyDeregistered,
      snapshots: d.snapshots,
      kept_snapshots: d.keptSnapshots.map((k) => ({ snapshot_id: k.id, used_by: k.usedBy })),
      catalog_items: d.catalogItems.map((c) => ({ workflow_id: c.workflowId, step_id: c.stepId })),
      downstream_steps: d.downstreamSteps,
      instances: d.instances,
      references: d.references,
      copies: d.copies.map((c) => ({ region: c.region, ami_id: c.image.id, snapshots: c.image.snapshotIds, instances: c.instances, references: c.references })),
    })),
    shared_snapshots: plan.sharedSnapshots.map((s) => ({ snapshot_id: s.id, used_by: s.usedBy })),
    already_deleted: plan.alreadyDeleted,
  };
}

/** The typed confirmation of SPEC §4: the AMI id (or, for several, how many). */
async function confirmDeletion(opts: GlobalOptions, ids: string[], command = 'amis delete', verb: 'delete' | 'deprecate' = 'delete'): Promise<void> {
  if (opts.yes) return;
  const nothing = `nothing was ${verb}d`;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError(`${command} needs a confirmation and there is no terminal to ask`, `pass --yes to ${verb} without asking; ${nothing}`);
  }
  const [only] = ids;
  const expected = only !== undefined && ids.length === 1 ? only : `${verb} ${ids.length}`;
  const { input } = await import('@inquirer/prompts');
  const typed = await input({
    message: ids.length === 1 ? `Type ${expected} to ${verb} it:` : `Type "${expected}" to ${verb} these ${ids.length} AMIs:`,
  }).catch((e: unknown) => {
    // Ctrl-C at the prompt (the terminal is in raw mode, so it is a key, not a signal).
    if ((e as Error)?.name === 'ExitPromptError') throw new InterruptedError('interrupted at the confirmation', nothing);
    throw e;
  });
  if (typed.trim() !== expected) throw new PawError('not confirmed', { hint: `what was typed is not "${expected}"; ${nothing}` });
}

/** Deletes what a plan lists, printing progress; fails in one line when any AMI was not deleted. */
async function runDeletion(opts: GlobalOptions, cloud: Cloud, plan: DeletionPlan, concurrency?: number): Promise<DeletionResult> {
  const { executeDeletion } = await import('../aws/delete.js');
  return executeDeletion(cloud, plan, {
    concurrency,
    onProgress: (e) => {
      if (opts.json) return;
      if (e.kind === 'done') process.stdout.write(`deleted ${e.amiId} (${e.finished}/${e.total})\n`);
      if (e.kind === 'failed') process.stdout.write(`FAILED ${e.amiId}: ${e.message} (${e.finished}/${e.total})\n`);
    },
  });
}

function assertAllDeleted(plan: DeletionPlan, result: DeletionResult): void {
  const [first] = result.failed;
  if (!first) return;
  throw new PawError(`${result.failed.length} of ${plan.amis.length} AMIs were not deleted (${first.amiId}: ${first.message})`, {
    hint: 'run the same command again for the rest',
  });
}

export function register(program: Command): void {
  const amis = program.command('amis').description("the workflow's AMIs: the catalog joined with EC2");

  amis
    .command('list')
    .description('list AMIs (default: this workflow’s); --step alone lists a step’s versions across workflows')
    .option('--workflow-id <id>', 'the workflow id (default: the workflow folder’s)')
    .option('--step <id>', 'one step')
    .option('--all', 'every workflow in the catalog', false)
    .action(async (options: ListOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { listAmiRows } = await import('../aws/amis.js');
      const workflowId = options.workflowId ?? (options.step || options.all ? undefined : workflow.param.workflow_id);
      const rows = await withCloud(opts, workflow, (cloud) => listAmiRows(cloud, { workflowId, stepId: options.step, all: options.all }));
      emit(
        opts,
        rows.map((r) => ({
          workflow_id: r.workflowId,
          step_id: r.stepId,
          ami_id: r.amiId,
          ami_name: r.amiName,
          create_at: r.createdAt,
          state: r.state,
          recorded: r.recorded,
          build_method: r.buildMethod,
          base_ami_id: r.baseAmiId,
        })),
        () => rowsText(rows),
      );
    });

  amis
    .command('show')
    .description('one AMI: state, snapshots, tags, catalog record and lineage')
    .argument('<ami>', 'the AMI id')
    .action(async (amiId: string, _options: unknown, cmd: Command) => {
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { amiDetails } = await import('../aws/amis.js');
      const details = await withCloud(opts, workflow, async (cloud) => {
        const d = await amiDetails(cloud, workflow, amiId);
        if (!d)
          throw new PawError(`AMI ${amiId} does not exist in ${cloud.region}`, {
            hint: 'check the id and the region (--region) or account (--profile) in use',
          });
        return d;
      });
      const { raw: _raw, ...image } = details.image;
      emit(opts, { image, records: details.records, lineage: details.lineage }, () => detailsText(details));
    });

  amis
    .command('delete')
    .description('deregister AMIs, delete their snapshots (kept when another AMI uses them) and catalog items; refuses AMIs in use')
    .argument('<ami...>', 'AMI ids')
    .option('--dry-run', 'show what would be deleted and stop', false)
    .option('--concurrency <n>', 'AMIs deleted at once', '16')
    .action(async (amiIds: string[], options: DeleteOptions, cmd: Command) => {
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency must be a positive whole number, not "${options.concurrency}"`);
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { assertDeletable, planDeletion } = await import('../aws/delete.js');
      await withCloud(opts, workflow, async (cloud) => {
        const plan = await planDeletion(cloud, workflow, amiIds, { concurrency });
        if (!opts.json) process.stdout.write(planText(plan) + '\n');
        assertDeletable(plan);
        if (options.dryRun) {
          emit(opts, { dry_run: true, plan: planJson(plan) }, () => 'dry run: nothing was deleted');
          return;
        }
        if (plan.amis.length === 0) {
          emit(opts, { deleted: [], failed: [], plan: planJson(plan) }, () => 'nothing left to delete');
          return;
        }
        await confirmDeletion(
          opts,
          plan.amis.map((d) => d.image.id),
        );
        const result = await runDeletion(opts, cloud, plan, concurrency);
        emit(opts, { deleted: result.deleted, failed: result.failed.map((f) => ({ ami_id: f.amiId, message: f.message })), plan: planJson(plan) }, () => '');
        assertAllDeleted(plan, result);
      });
    });

  amis
    .command('prune')
    .description(
      "delete (or deprecate) the old versions of each step across workflow versions; never a step's newest, one in use, or one a published parameter holds",
    )
    .option('--keep <n>', 'AMIs kept per step, newest first (default 3, or 1 with --older-than)')
    .option('--older-than <age>', 'only versions older than this, e.g. 30d or 4w')
    .option('--deprecate', 'set EC2 deprecation on them instead of deleting (snapshots and records stay)', false)
    .option('--dry-run', 'show the plan and stop', false)
    .action(async (options: { keep?: string; olderThan?: string; deprecate: boolean; dryRun: boolean }, cmd: Command) => {
      const opts = globalOptions(cmd);
      const { deprecatePruned, parseAge, planPrune, pruneText } = await import('../layers/prune.js');
      const olderThanDays = options.olderThan === undefined ? undefined : parseAge(options.olderThan);
      const keep = options.keep === undefined ? (olderThanDays === undefined ? 3 : 1) : Number(options.keep);
      const verb = options.deprecate ? 'deprecate' : 'delete';
      const workflow = await loadWorkflowFor(opts);
      await withCloud(opts, workflow, async (cloud) => {
        const plan = await planPrune(cloud, workflow, { keep, olderThanDays });
        if (!opts.json) process.stdout.write(pruneText(plan, verb) + '\n');
        const data = { mode: verb, steps: plan.steps, ami_ids: plan.amiIds };
        const deletion = plan.deletion;
        if (!deletion || plan.amiIds.length === 0 || options.dryRun) {
          emit(opts, { ...data, dry_run: options.dryRun, done: [] }, () => (plan.amiIds.length === 0 ? `nothing to ${verb}` : `dry run: nothing was ${verb}d`));
          return;
        }
        await confirmDeletion(opts, plan.amiIds, 'amis prune', verb);
        if (options.deprecate) {
          const done = await deprecatePruned(cloud, plan, (id) => {
            if (!opts.json) process.stdout.write(`deprecated ${id}\n`);
          });
          emit(opts, { ...data, done }, () => '');
          return;
        }
        const result = await runDeletion(opts, cloud, deletion);
        emit(opts, { ...data, done: result.deleted, failed: result.failed.map((f) => ({ ami_id: f.amiId, message: f.message })) }, () => '');
        assertAllDeleted(deletion, result);
      });
    });
}

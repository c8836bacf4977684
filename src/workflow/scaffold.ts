import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PawError, UsageError } from '../errors.js';
import { scaffoldsDir, templatesDir } from '../paths.js';
import { WORKFLOW_PARAM_FILE, STEP_PARAM_FILE } from './load.js';
import { DEFAULT_TABLE_NAME } from '../constants.js';
import { SAFE_NAME_HINT, checkOutputAmiName, isSafeName, outputAmiName } from './names.js';
import { displayPath } from './jsonc.js';
import { loadNunjucks } from './render.js';
import type { Step, Workflow } from './types.js';

export type ScaffoldKind = 'step1' | 'manual';
export const SCAFFOLDS: readonly ScaffoldKind[] = ['step1', 'manual'];

export interface NewStep {
  id: string;
  /** The step it builds on; undefined means the last step of the chain (null: the first step). */
  previous?: string | null;
  scaffold: ScaffoldKind;
  /** Folder name; the id when not given. */
  folder?: string;
  metadata?: Record<string, string>;
}

/** One file a scaffold writes, relative to the new folder. */
export interface PlannedFile {
  path: string;
  text: string | Buffer;
  mode: number;
}

export interface StepPlan {
  dir: string;
  id: string;
  previous: string | null;
  files: PlannedFile[];
}

async function renderOwnTemplate(name: string, context: Record<string, unknown>): Promise<string> {
  const nunjucks = await loadNunjucks();
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatesDir()), { autoescape: false, throwOnUndefined: true });
  return env.render(name, context);
}

/** Every file of a scaffold folder, with its mode (scripts stay executable). */
async function scaffoldFiles(kind: ScaffoldKind): Promise<PlannedFile[]> {
  const root = path.join(scaffoldsDir(), kind);
  const out: PlannedFile[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push({ path: path.relative(root, file), text: await readFile(file), mode: (await stat(file)).mode & 0o777 });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function stepParamText(id: string, previous: string | null, metadata: Record<string, string>): string {
  return JSON.stringify({ step_id: id, previous_step_id: previous, metadata }, null, 4) + '\n';
}

function checkNewStep(workflow: Workflow, spec: NewStep): { folder: string; previous: string | null } {
  const folder = spec.folder ?? spec.id;
  if (!isSafeName(spec.id)) throw new UsageError(`"${spec.id}" is not a safe step id`, SAFE_NAME_HINT);
  if (!isSafeName(folder)) throw new UsageError(`"${folder}" is not a safe folder name`, SAFE_NAME_HINT);
  if (!SCAFFOLDS.includes(spec.scaffold)) throw new UsageError(`unknown scaffold "${spec.scaffold}"`, `use one of: ${SCAFFOLDS.join(', ')}`);
  const taken = workflow.steps.find((s) => s.id === spec.id);
  if (taken) throw new PawError(`step "${spec.id}" already exists (${displayPath(taken.paramPath)})`, { hint: 'choose another id' });
  const dir = path.join(workflow.dir, folder);
  if (existsSync(dir)) throw new PawError(`${displayPath(dir)} already exists`, { hint: 'choose another folder with --folder' });
  const last: Step | undefined = workflow.steps.at(-1);
  const previous = spec.previous === undefined ? (last?.id ?? null) : spec.previous;
  const [first] = workflow.steps;
  if (previous === null && first && last) {
    throw new PawError(`step "${first.id}" is already the first step`, { hint: `build on the last step: --previous ${last.id}` });
  }
  if (previous !== null) {
    if (!workflow.steps.some((s) => s.id === previous)) {
      throw new PawError(`no step "${previous}" to build on`, { hint: `steps: ${workflow.steps.map((s) => s.id).join(', ') || 'none yet'}` });
    }
    const follower = workflow.steps.find((s) => s.previousId === previous);
    if (follower) {
      throw new PawError(`step "${follower.id}" already builds on "${previous}" (the steps form one chain)`, {
        hint: `build on the last step: --previous ${(last ?? follower).id}`,
      });
    }
  }
  return { folder, previous };
}

/** What `createStep` would write, without writing anything (for the new-step screen). */
export async function previewStep(workflow: Workflow, spec: NewStep): Promise<StepPlan> {
  const { folder, previous } = checkNewStep(workflow, spec);
  const dir = path.join(workflow.dir, folder);
  const draft: Step = {
    id: spec.id,
    previousId: previous,
    dir,
    folderName: folder,
    paramPath: path.join(dir, STEP_PARAM_FILE),
    param: { step_id: spec.id, previous_step_id: previous, metadata: spec.metadata ?? {}, raw: {} },
    manual: spec.scaffold === 'manual',
  };
  checkOutputAmiName(outputAmiName(workflow, draft));
  const files = await scaffoldFiles(spec.scaffold);
  const readme = files.find((f) => f.path === 'README.md');
  const context = {
    step_id: spec.id,
    previous_step_id: previous,
    workflow_id: workflow.param.workflow_id,
    scaffold_readme: readme ? readme.text.toString().trimEnd() : '',
  };
  const generated: PlannedFile[] = [
    { path: STEP_PARAM_FILE, text: stepParamText(spec.id, previous, spec.metadata ?? {}), mode: 0o644 },
    { path: 'README.md', text: await renderOwnTemplate('step-README.md.njk', context), mode: 0o644 },
    { path: '.gitignore', text: await renderOwnTemplate('gitignore.njk', context), mode: 0o644 },
  ];
  return { dir, id: spec.id, previous, files: [...generated, ...files.filter((f) => f.path !== 'README.md')] };
}

/** Writes planned files into a folder that must not exist yet; on any failure the folder is removed. */
async function writePlan(dir: string, files: PlannedFile[]): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await mkdir(dir);
  } catch (e) {
    throw new PawError(`cannot create ${displayPath(dir)}: ${(e as Error).message}`, { cause: e });
  }
  try {
    for (const f of files) {
      const target = path.join(dir, f.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, f.text, { flag: 'wx' });
      await chmod(target, f.mode);
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Creates a step folder from a scaffold, chained to `previous` (default: the last step). */
export async function createStep(workflow: Workflow, spec: NewStep): Promise<StepPlan> {
  const plan = await previewStep(workflow, spec);
  await writePlan(plan.dir, plan.files);
  return plan;
}

export interface InitAnswers {
  workflowId: string;
  vpcName: string;
  isDefaultVpc: 'true' | 'false';
  subnetName: string;
  securityGroupName: string;
  ec2IamRoleName: string;
  profileName?: string | null;
  regionName?: string | null;
  rootBaseAmiId?: string;
  rootBaseAmiName?: string;
  awsTags?: Record<string, string>;
  /** The catalog table, remembered in paw-tui.json (the params file keeps only the library's keys). */
  table?: string;
  /** The first step, made from the step1 scaffold; null for none. */
  firstStep?: { id: string; folder?: string } | null;
}

/**
 * Creates a workflow folder: workflow_param.json (with comments saying what each key is) and a
 * first step from the step1 scaffold. Refuses a folder that already holds a workflow.
 */
export async function initWorkflow(dir: string, answers: InitAnswers): Promise<{ dir: string; files: string[] }> {
  const abs = path.resolve(dir);
  if (existsSync(path.join(abs, WORKFLOW_PARAM_FILE))) {
    throw new PawError(`${displayPath(abs)} already holds a workflow`, { hint: 'choose another folder' });
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(answers.workflowId)) {
    throw new UsageError(`"${answers.workflowId}" is not a usable workflow id`, SAFE_NAME_HINT);
  }
  const text = await renderOwnTemplate('workflow_param.json.njk', {
    workflow_id: answers.workflowId,
    profile_name: answers.profileName ?? null,
    region_name: answers.regionName ?? null,
    vpc_name: answers.vpcName,
    is_default_vpc: answers.isDefaultVpc,
    subnet_name: answers.subnetName,
    security_group_name: answers.securityGroupName,
    ec2_iam_role_name: answers.ec2IamRoleName,
    root_base_ami_id: answers.rootBaseAmiId ?? '',
    root_base_ami_name: answers.rootBaseAmiName ?? '',
    aws_tags: answers.awsTags ?? {},
  });
  const { parseWorkflowParam } = await import('./schema.js');
  const param = parseWorkflowParam(path.join(abs, WORKFLOW_PARAM_FILE), text);
  const workflow: Workflow = { dir: abs, paramPath: path.join(abs, WORKFLOW_PARAM_FILE), param, steps: [] };
  const first = answers.firstStep === undefined ? { id: 'step1' } : answers.firstStep;
  const plan = first ? await previewStep(workflow, { id: first.id, folder: first.folder, previous: null, scaffold: 'step1' }) : undefined;
  await mkdir(abs, { recursive: true });
  await writeFile(workflow.paramPath, text, { flag: 'wx' });
  const files = [workflow.paramPath];
  if (plan) {
    try {
      await writePlan(plan.dir, plan.files);
    } catch (e) {
      await rm(workflow.paramPath, { force: true });
      throw e;
    }
    files.push(...plan.files.map((f) => path.join(plan.dir, f.path)));
  }
  const { readSettings, writeTableSetting } = await import('./settings.js');
  if (answers.table || !(await readSettings(abs)).table) files.push(await writeTableSetting(abs, answers.table ?? DEFAULT_TABLE_NAME));
  return { dir: abs, files };
}

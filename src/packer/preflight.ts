import { readFile } from 'node:fs/promises';
import type { Cloud } from '../aws/ports.js';
import type { TableConsent } from '../aws/record.js';
import { PawError } from '../errors.js';
import type { ReplaceConsent } from '../workflow/render.js';
import type { Step, Workflow } from '../workflow/types.js';
import { findPacker, initArgs, needsInit, runPackerCommand, validateArgs } from './find.js';
import type { PackerBinary, PreflightCheck } from './types.js';

export const CHECK_LABELS: Record<PreflightCheck['id'], string> = {
  packer: 'Packer installed',
  credentials: 'AWS credentials',
  'source-ami': 'source AMI available',
  'output-name': 'output AMI name valid and free',
  catalog: 'catalog table',
  render: 'templates render',
  init: 'packer init',
  validate: 'packer validate',
};

/** What a passed check found, for the user (and the output of a failed Packer command). */
export interface CheckResult {
  detail: string;
  status?: 'ok' | 'skipped';
}

/** A failed check: its one line, and the output behind it. */
export class CheckFailed extends PawError {
  constructor(
    message: string,
    readonly output?: string,
    hint?: string,
  ) {
    super(message, { hint });
  }
}

/** What the checks found, used by the build that follows. */
export interface Preflight {
  packer?: PackerBinary;
  source?: { id: string; name: string };
  outputName?: string;
  varFiles: string[];
  /** The rendered template has a `packer { required_plugins { ... } }` block. */
  declaresPlugins?: boolean;
}

export interface PreflightInput {
  cloud: Cloud;
  workflow: Workflow;
  step: Step;
  dryRun: boolean;
  /** `paw-tui validate`: a step already built is still valid, so a taken name is only reported. */
  validateOnly?: boolean;
  tableConsent: TableConsent;
  replaceConsent: ReplaceConsent;
  packer?: PackerBinary;
}

/** The checks in the order they run; each may use what the earlier ones found. */
export function preflightChecks(input: PreflightInput, found: Preflight): [PreflightCheck['id'], () => Promise<CheckResult>][] {
  const { cloud, workflow, step } = input;
  return [
    [
      'packer',
      async () => {
        found.packer = input.packer ?? (await findPacker());
        return { detail: `packer ${found.packer.version} (${found.packer.args[0] ?? found.packer.path})` };
      },
    ],
    [
      'credentials',
      async () => {
        const who = await cloud.identity.whoAmI();
        const env = cloud.childEnv;
        const packerUses = env.AWS_PROFILE ? `profile ${env.AWS_PROFILE}` : env.AWS_ACCESS_KEY_ID ? "workflow_param.json's keys" : 'the default credentials';
        const sandbox = cloud.kind === 'sandbox' ? ' (sandbox)' : '';
        return { detail: `account ${who.account} (${who.arn}) in ${cloud.region}${sandbox}; Packer uses ${packerUses}` };
      },
    ],
    [
      'source-ami',
      async () => {
        const { sourceAmi } = await import('../aws/source.js');
        found.source = await sourceAmi(cloud, workflow, step);
        return { detail: `${found.source.id} (${found.source.name})` };
      },
    ],
    [
      'output-name',
      async () => {
        const { checkOutputAmiName, outputAmiName } = await import('../workflow/names.js');
        const name = outputAmiName(workflow, step);
        checkOutputAmiName(name);
        const [taken] = await cloud.images.findOwnedByName(name);
        if (taken && input.validateOnly) return { detail: `${name} (taken by ${taken.id}: a build would stop here)` };
        if (taken) {
          throw new PawError(`output AMI name ${name} is already taken by ${taken.id}`, {
            hint: `delete that AMI first (paw-tui amis delete ${taken.id}) or change the step id`,
          });
        }
        found.outputName = name;
        return { detail: name };
      },
    ],
    [
      'catalog',
      async () => {
        const table = cloud.catalog.tableName;
        if (input.validateOnly) return { detail: 'not needed to validate', status: 'skipped' };
        if (await cloud.catalog.tableExists()) return { detail: table };
        if (input.dryRun) return { detail: `${table} does not exist yet (a build creates it with --yes)`, status: 'skipped' };
        const consent = input.tableConsent;
        const agreed = consent.yes || (consent.ask ? await consent.ask(`The catalog table ${table} does not exist in ${cloud.region}. Create it?`) : false);
        if (!agreed) {
          throw new PawError(`catalog table ${table} does not exist in ${cloud.region}`, {
            hint: 'pass --yes to create it when the AMI is recorded, or create it yourself',
          });
        }
        return { detail: `${table} will be created when the AMI is recorded` };
      },
    ],
    [
      'render',
      async () => {
        const { renderStep, renderedVarFiles } = await import('../workflow/render.js');
        const { files } = await renderStep(
          workflow,
          step,
          {
            sourceAmiId: found.source!.id,
            sourceAmiName: found.source!.name,
            region: cloud.region,
            packerVersion: found.packer!.version,
          },
          input.replaceConsent,
        );
        found.varFiles = renderedVarFiles(step);
        return { detail: files.map((f) => f.split('/').pop()).join(', ') };
      },
    ],
    [
      'init',
      async () => {
        const packer = found.packer!;
        const { renderedTemplates } = await renderedFiles(step);
        const text = (await Promise.all(renderedTemplates.map((f) => readFile(f, 'utf8')))).join('\n');
        found.declaresPlugins = /\brequired_plugins\s*\{/.test(text);
        if (!found.declaresPlugins) return { detail: 'not needed (no required_plugins block)', status: 'skipped' };
        if (!needsInit(packer.version, text)) {
          return { detail: `not run: Packer ${packer.version} has no init (required_plugins needs 1.7 or later)`, status: 'skipped' };
        }
        const r = await runPackerCommand(packer, initArgs(), step.dir, cloud.childEnv);
        if (r.code !== 0) throw new CheckFailed(`packer init failed: ${firstError(r.output)}`, r.output);
        // Packer names each plugin it installs, and says nothing of those already there.
        const installed = [...r.output.matchAll(/^Installed plugin (\S+) (v\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
        return { detail: installed.length ? `installed ${installed.join(', ')}` : 'plugins already installed' };
      },
    ],
    [
      'validate',
      async () => {
        const packer = found.packer!;
        const r = await runPackerCommand(packer, validateArgs(step.dir, found.varFiles), step.dir, cloud.childEnv);
        if (r.code !== 0) {
          const tooOld = found.declaresPlugins && !needsInit(packer.version, 'required_plugins {');
          throw new CheckFailed(
            `packer validate failed: ${firstError(r.output)}`,
            r.output,
            tooOld
              ? `Packer ${packer.version} does not know required_plugins: install Packer 1.7 or later (https://releases.hashicorp.com/packer/) or remove that block`
              : undefined,
          );
        }
        return { detail: 'the configuration is valid' };
      },
    ],
  ];
}

async function renderedFiles(step: Step): Promise<{ renderedTemplates: string[] }> {
  const { readdir } = await import('node:fs/promises');
  const names = await readdir(step.dir);
  return { renderedTemplates: names.filter((n) => n.endsWith('.pkr.hcl')).map((n) => `${step.dir}/${n}`) };
}

/** The line of Packer's output that says what is wrong (`Error: ...`), else its first line. */
export function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^(\* )?Error[: ]/.test(l));
  const at = error ? lines.indexOf(error) : -1;
  // HCL errors put the message on the line after `Error: <summary>` and the position before.
  // Packer 1.6 says `on  line 0` when it knows no position: nothing worth showing.
  const next = lines[at + 1] ?? '';
  const where = next.startsWith('on ') && !/^on\s+line 0:?$/.test(next) ? next.replace(/:$/, '') : '';
  const detail = error && where ? `${error} (${where})` : error;
  return detail ?? lines[0] ?? 'no output';
}

import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { INIT_QUESTIONS, initAnswers, type InitQuestionKey } from '../workflow/init-questions.js';
import { emit, globalOptions } from './context.js';

interface InitOptions {
  workflowId?: string;
  vpcName?: string;
  defaultVpc?: string;
  subnetName?: string;
  securityGroupName?: string;
  ec2IamRoleName?: string;
  regionName?: string;
  profileName?: string;
  rootBaseAmiId?: string;
  rootBaseAmiName?: string;
  tag?: string[];
  firstStep: string;
  firstStepFolder?: string;
}

type Asked = InitQuestionKey;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function tagsOf(pairs: string[] = []): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--tag "${pair}" is not key=value`);
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tags;
}

/** Fills what the flags left out: asks on a terminal, else names the missing flags. */
async function complete(options: InitOptions): Promise<Record<Asked, string>> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const answers = {} as Record<Asked, string>;
  const missing: string[] = [];
  for (const q of INIT_QUESTIONS) {
    const given = options[q.key];
    if (given !== undefined) answers[q.key] = given;
    else if (interactive) {
      const { input, select } = await import('@inquirer/prompts');
      answers[q.key] = q.choices
        ? await select({ message: q.message, choices: q.choices.map((value) => ({ value })) })
        : await input({ message: q.message, required: true });
    } else if (q.choices?.[0] !== undefined) answers[q.key] = q.choices[0];
    else missing.push(`${q.flag} <value>`);
  }
  if (missing.length > 0) throw new UsageError(`no terminal to ask on: give ${missing.join(' ')}`, 'paw-tui init --help lists the flags');
  if (answers.defaultVpc !== 'true' && answers.defaultVpc !== 'false') {
    throw new UsageError(`--default-vpc must be true or false, not "${answers.defaultVpc}"`);
  }
  return answers;
}

export function register(program: Command): void {
  program
    .command('init')
    .description('create a workflow folder: workflow_param.json and a first step from the step1 scaffold\nasks on a terminal; without one, give the flags')
    .argument('[dir]', 'the folder to create (default: --workflow, ./workflow)')
    .option('--workflow-id <id>', 'the workflow id')
    .option('--vpc-name <name>', 'Name tag of the VPC')
    .option('--default-vpc <true|false>', 'whether that VPC is the default one (default: false)')
    .option('--subnet-name <name>', 'Name tag of a public subnet')
    .option('--security-group-name <name>', 'Name tag of a security group allowing SSH')
    .option('--ec2-iam-role-name <name>', 'instance profile of the build instances')
    .option('--region-name <region>', 'region_name (default: --region, else null: the SDK default)')
    .option('--profile-name <name>', 'profile_name (default: --profile, else null: the SDK default)')
    .option('--root-base-ami-id <id>', 'root base AMI id (or pick one later with paw-tui base-ami)')
    .option('--root-base-ami-name <name>', 'root base AMI name')
    .option('--tag <key=value>', 'an AWS tag for every AMI (repeatable)', collect)
    .option('--first-step <id>', 'id of the first step', 'step1')
    .option('--first-step-folder <name>', 'folder of the first step (default: its id)')
    .action(async (dir: string | undefined, options: InitOptions, cmd: Command) => {
      const opts = globalOptions(cmd);
      const target = dir ? path.resolve(dir) : opts.workflow;
      const a = await complete(options);
      const answers = initAnswers(a, {
        regionName: options.regionName ?? opts.region ?? null,
        profileName: options.profileName ?? opts.profile ?? null,
        rootBaseAmiId: options.rootBaseAmiId,
        rootBaseAmiName: options.rootBaseAmiName,
        awsTags: tagsOf(options.tag),
        firstStep: { id: options.firstStep, folder: options.firstStepFolder },
        table: opts.table,
      });
      const { initWorkflow } = await import('../workflow/scaffold.js');
      const { dir: created, files } = await initWorkflow(target, answers);
      const where = path.relative(process.cwd(), created) || created;
      emit(opts, { dir: created, workflow_id: answers.workflowId, files }, () =>
        [
          `created workflow ${answers.workflowId} in ${where}`,
          ...files.map((f) => `  ${path.relative(created, f)}`),
          answers.rootBaseAmiId ? '' : `next: pick the root base AMI with: paw-tui base-ami --write --workflow ${where}`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
}

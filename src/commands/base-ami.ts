import type { Command } from 'commander';
import type { AmiImage } from '../aws/ports.js';
import { PawError, UsageError } from '../errors.js';
import type { Workflow } from '../workflow/types.js';
import { emit, globalOptions, loadWorkflowFor, withCloud, type GlobalOptions } from './context.js';

interface BaseAmiOptions {
  release: string;
  arch: string;
  product: string;
  volumeType?: string;
  namePattern?: string;
  owner: string;
  write: boolean;
  check: boolean;
  limit: string;
}

const imageJson = (i: AmiImage) => ({
  id: i.id,
  name: i.name,
  creation_date: i.creationDate,
  architecture: i.architecture ?? null,
  description: i.description ?? null,
});

export function register(program: Command): void {
  program
    .command('base-ami')
    .description("find the newest official Ubuntu AMI (Ubuntu's public SSM parameters, resolved in EC2); --write makes it the root base AMI")
    .option('--release <release>', 'Ubuntu release: 24.04, noble, 22.04, jammy...', '24.04')
    .option('--arch <arch>', 'amd64 or arm64', 'amd64')
    .option('--product <product>', 'server, server-minimal or pro-server', 'server')
    .option('--volume-type <type>', 'ebs-gp3, ebs-gp2... (default: gp3 where published, else gp2)')
    .option('--name-pattern <pattern>', "search images by name instead (EC2 wildcards), e.g. 'ubuntu/images/hvm-ssd*/ubuntu-jammy-22.04-amd64-server-*'")
    .option('--owner <account>', 'owner of the images searched with --name-pattern', '099720109477')
    .option('--limit <n>', 'how many to list', '10')
    .option('--check', "exit 1 when a newer Ubuntu than the workflow's root base AMI is out (same product, release, arch, volume type), for CI", false)
    .option('--write', 'write the newest into root_base_ami_id and root_base_ami_name of workflow_param.json', false)
    .action(async (options: BaseAmiOptions, cmd: Command) => {
      if (!['amd64', 'arm64'].includes(options.arch)) throw new UsageError(`unknown --arch "${options.arch}"`, 'use amd64 or arm64');
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, not "${options.limit}"`);
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      if (options.check) return checkNewerBase(opts, workflow);
      const { findBaseAmis, findByNamePattern, writeBaseAmi } = await import('../aws/base-ami.js');
      const { images, newest } = await withCloud(opts, workflow, async (cloud) => {
        const found = options.namePattern
          ? await findByNamePattern(cloud, options.namePattern, options.owner)
          : await findBaseAmis(cloud, { product: options.product, release: options.release, arch: options.arch, volumeType: options.volumeType });
        const [first] = found;
        if (!first && options.namePattern) {
          throw new PawError(`no available image of ${options.owner} is named like ${options.namePattern} in ${cloud.region}`, {
            hint: 'check the pattern (EC2 wildcards: * and ?) and the region',
          });
        }
        if (!first) {
          throw new PawError(`none of Ubuntu's ${options.product} ${options.release} ${options.arch} AMIs in ${cloud.region} is available`, {
            hint: 'try again later, or choose one with --name-pattern',
          });
        }
        return { images: found, newest: first };
      });
      if (options.write) await writeBaseAmi(workflow, newest);
      const shown = images.slice(0, limit);
      emit(opts, { images: shown.map(imageJson), written: options.write ? imageJson(newest) : null }, () => {
        const lines = shown.map((i, n) => `${n === 0 ? '*' : ' '} ${i.id}  ${i.creationDate.slice(0, 10)}  ${i.name}`);
        if (images.length > shown.length) lines.push(`  … ${images.length - shown.length} older`);
        lines.push(
          options.write
            ? `wrote root_base_ami_id = ${newest.id} and root_base_ami_name = ${newest.name} to ${workflow.paramPath}`
            : 'newest marked *; --write makes it the root base AMI',
        );
        return lines.join('\n');
      });
    });
}

/** `base-ami --check`: a newer Ubuntu of the root base AMI's family fails the command (exit 1). */
async function checkNewerBase(opts: GlobalOptions, workflow: Workflow): Promise<void> {
  const [{ newerBase, pickNewerBaseCommand }, { newerBaseText }] = await Promise.all([import('../layers/newer-base.js'), import('../layers/words.js')]);
  const newer = await withCloud(opts, workflow, (cloud) => newerBase(cloud, workflow));
  const root = { ami: workflow.param.root_base_ami_id, name: workflow.param.root_base_ami_name };
  emit(opts, { root_base_ami: root, newer }, () => (newer ? '' : `the root base AMI ${root.ami} (${root.name}) is the newest of its kind`));
  if (newer) {
    throw new PawError(`${newerBaseText(newer)} than ${root.ami}`, {
      hint: `${pickNewerBaseCommand(root.name)} picks it (then paw-tui build --all)`,
    });
  }
}

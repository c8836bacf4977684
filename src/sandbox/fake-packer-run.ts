import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { writeFileAtomic } from '../workflow/atomic.js';
import { runBuild } from './fake-build.js';
import { Cancelled, StepFailed, type BuildContext, type BuildSpec } from './fake-build-context.js';
import type { PackerArgs } from './fake-packer-config.js';
import { evaluate, type PackerTemplate } from './packer-template.js';
import { packerDuration, PackerUi, type BuildUi } from './packer-ui.js';
import { SandboxStore, sandboxStatePath } from './state.js';

/** `packer build` of the simulated packer: every build of the template in parallel, then Packer's summary. */

/** PAW_SANDBOX_STATE, else the sandbox of the workflow folder above the build's folder. */
function stateFile(dir: string): string | null {
  if (process.env.PAW_SANDBOX_STATE) return process.env.PAW_SANDBOX_STATE;
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'workflow_param.json'))) return sandboxStatePath(d);
    if (path.dirname(d) === d) return null;
  }
}

/** An object attribute's entries, keys unquoted and values evaluated. */
function evaluateAll(entries: Map<string, string>, vars: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = evaluate(v, vars) ?? '';
  return out;
}

function buildSpecs(template: PackerTemplate, vars: Map<string, string>, dir: string): BuildSpec[] {
  const specs: BuildSpec[] = [];
  for (const build of template.builds) {
    for (const ref of build.sources) {
      const sourceName = ref.split('.')[2]!;
      const source = template.sources.find((s) => s.name === sourceName)!;
      const attr = (key: string) => evaluate(source.attrs.get(key), vars);
      const filter = (expr: string | undefined) => (expr === undefined ? undefined : (evaluate(expr, vars) ?? ''));
      specs.push({
        name: build.name ? `${build.name}.amazon-ebs.${sourceName}` : `amazon-ebs.${sourceName}`,
        sourceName,
        amiName: attr('ami_name') ?? '',
        sourceAmiId: attr('source_ami') ?? '',
        instanceType: attr('instance_type') ?? 't2.micro',
        region: attr('region') ?? vars.get('aws_region') ?? 'us-east-1',
        subnetName: filter(source.filters.subnet),
        securityGroupName: filter(source.filters.securityGroup),
        vpcName: filter(source.filters.vpc),
        instanceProfile: attr('iam_instance_profile'),
        runTags: { Name: 'Packer Builder', ...evaluateAll(source.runTags, vars) },
        amiTags: evaluateAll(source.tags, vars),
        snapshotTags: evaluateAll(source.snapshotTags, vars),
        provisioners: build.provisioners,
        dir,
      });
    }
  }
  return specs;
}

interface Manifest {
  builds: Record<string, unknown>[];
  last_run_uuid: string;
}

/** Packer's manifest post-processor: appends this build to the file (relative to the working folder). */
async function writeManifest(output: string, spec: BuildSpec, amiId: string, runUuid: string): Promise<void> {
  const file = path.resolve(process.cwd(), output);
  let manifest: Manifest = { builds: [], last_run_uuid: '' };
  try {
    const earlier = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
    if (Array.isArray(earlier.builds)) manifest = { builds: earlier.builds, last_run_uuid: '' };
  } catch {
    // No manifest yet (or not one of Packer's): start a new one, as Packer does.
  }
  manifest.builds.push({
    name: spec.sourceName,
    builder_type: 'amazon-ebs',
    build_time: Math.floor(Date.now() / 1000),
    files: null,
    artifact_id: `${spec.region}:${amiId}`,
    packer_run_uuid: runUuid,
    custom_data: null,
  });
  manifest.last_run_uuid = runUuid;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(manifest, null, 2) + '\n');
}

export async function runBuilds(template: PackerTemplate, vars: Map<string, string>, args: PackerArgs, dir: string): Promise<number> {
  const ui = new PackerUi(args.color);
  const started = Date.now();
  ui.debug(`[INFO] Packer version: ${process.env.PAW_FAKE_PACKER_VERSION || '1.6.6'} [sandbox ${process.platform} ${process.arch}]`);
  ui.debug(`[INFO] Packer Target OS/Arch: ${process.platform} ${process.arch}`);
  ui.debug(
    `Packer command args: []string{"build", ${process.argv
      .slice(3)
      .map((a) => JSON.stringify(a))
      .join(', ')}}`,
  );
  const file = stateFile(dir);
  if (!file) {
    process.stderr.write('Error: no sandbox to build in: set PAW_SANDBOX_STATE (paw-tui --sandbox sets it)\n');
    return 1;
  }
  const specs = buildSpecs(template, vars, process.cwd());
  for (const spec of specs) {
    const missing = !spec.amiName ? 'ami_name must be specified' : !spec.sourceAmiId ? 'A source_ami or source_ami_filter must be specified' : null;
    if (missing) {
      process.stderr.write(
        `Error: 1 error(s) occurred:\n\n* ${missing}\n\n  on ${path.basename(template.files[0] ?? '')} line 1:\n  (source code not available)\n\n`,
      );
      return 1;
    }
  }
  const store = await SandboxStore.open(file);
  const speed = Number(process.env.PAW_FAKE_PACKER_SPEED) > 0 ? Number(process.env.PAW_FAKE_PACKER_SPEED) : 1;
  const abort = new AbortController();
  process.on('SIGINT', () => {
    // Packer answers the first interrupt with its clean-up; later ones change nothing.
    if (abort.signal.aborted) return;
    ui.debug('Cancelling build after receiving interrupt');
    abort.abort();
  });
  let prompt: Interface | null = null;
  const ctx: BuildContext = {
    store,
    onError: args.onError,
    fail: process.env.PAW_FAKE_PACKER_FAIL || undefined,
    speedMs: (ms) => ms / speed,
    pause: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (abort.signal.aborted) return reject(new Cancelled());
        const timer = setTimeout(done, ms / speed);
        function done() {
          abort.signal.removeEventListener('abort', cancel);
          resolve();
        }
        function cancel() {
          clearTimeout(timer);
          reject(new Cancelled());
        }
        abort.signal.addEventListener('abort', cancel, { once: true });
      }),
    ask: (buildUi: BuildUi) =>
      new Promise<string>((resolve, reject) => {
        prompt ??= createInterface({ input: process.stdin });
        buildUi.prompt('[c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?');
        const cancel = () => reject(new Cancelled());
        abort.signal.addEventListener('abort', cancel, { once: true });
        prompt.once('line', (line) => {
          abort.signal.removeEventListener('abort', cancel);
          resolve(line.trim().toLowerCase().slice(0, 1));
        });
        prompt.once('close', () => resolve('c'));
      }),
  };

  const runUuid = randomUUID();
  const uis = specs.map((spec, i) => ui.forBuild(spec.name, i));
  for (const buildUi of uis) buildUi.headline(`${buildUi.name}: output will be in this color.`);
  ui.raw('');
  const results = await Promise.all(
    specs.map(async (spec, i) => {
      const buildUi = uis[i]!;
      const buildStarted = Date.now();
      try {
        const { amiId } = await runBuild(spec, buildUi, ctx);
        for (const output of template.builds.flatMap((b) => (b.sources.some((s) => s.endsWith(`.${spec.sourceName}`)) ? b.manifests : []))) {
          buildUi.say('Running post-processor:  (type manifest)');
          await writeManifest(output, spec, amiId, runUuid);
        }
        buildUi.headline(`Build '${spec.name}' finished after ${packerDuration(Date.now() - buildStarted)}.`);
        return { spec, amiId };
      } catch (e) {
        if (!(e instanceof Cancelled) && !(e instanceof StepFailed)) throw e;
        buildUi.headline(`Build '${spec.name}' errored after ${packerDuration(Date.now() - buildStarted)}: ${e.message}`, true);
        return { spec, error: e.message, cancelled: e instanceof Cancelled };
      }
    }),
  );
  (prompt as Interface | null)?.close();

  ui.raw('');
  ui.raw(`==> Wait completed after ${packerDuration(Date.now() - started)}`);
  ui.raw('');
  if (results.some((r) => r.cancelled)) {
    ui.raw('Cleanly cancelled builds after being interrupted.');
    return 1;
  }
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length) {
    ui.raw("==> Some builds didn't complete successfully and had errors:");
    for (const r of failed) ui.raw(`--> ${r.spec.name}: ${r.error}`);
    ui.raw('');
  }
  const built = results.filter((r) => r.amiId);
  if (!built.length) {
    ui.raw('==> Builds finished but no artifacts were created.');
    return 1;
  }
  ui.raw('==> Builds finished. The artifacts of successful builds are:');
  for (const r of built) {
    const manifests = template.builds.filter((b) => b.sources.some((s) => s.endsWith(`.${r.spec.sourceName}`))).flatMap((b) => b.manifests);
    // Packer lists the builder's artifact, then the same one again for each post-processor that kept it.
    for (let n = 0; n <= manifests.length; n++) {
      ui.raw(`--> ${r.spec.name}: AMIs were created:`);
      ui.raw(`${r.spec.region}: ${r.amiId}`);
      ui.raw('');
    }
  }
  return failed.length ? 1 : 0;
}

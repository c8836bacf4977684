import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { StepFailed, type BuildContext, type BuildSpec } from './fake-build-context.js';
import { commandOutput, scriptOutput, type MachineOutput } from './packer-machine.js';
import type { Provisioner } from './packer-template.js';
import type { BuildUi } from './packer-ui.js';

/**
 * The provisioning step of the simulated build: each provisioner's "Provisioning with..." line
 * and what the machine answers, played at the pace of a real machine. PAW_FAKE_PACKER_FAIL=
 * provision makes the last provisioner fail once (so `-on-error=ask`'s retry can succeed).
 */

export async function provision(spec: BuildSpec, ui: BuildUi, ctx: BuildContext): Promise<void> {
  const codename = /ubuntu-(\w+)-\d/.exec(spec.amiName)?.[1] ?? 'jammy';
  for (let attempt = 0; ; attempt++) {
    try {
      for (const [i, p] of spec.provisioners.entries()) {
        const failing = ctx.fail === 'provision' && attempt === 0 && i === spec.provisioners.length - 1;
        await runProvisioner(p, spec.dir, ui, ctx, codename, failing);
      }
      return;
    } catch (e) {
      if (!(e instanceof StepFailed) || ctx.onError !== 'ask') throw e;
      // Under -on-error=ask, [r] runs the provisioning again (the simulated failure happens once).
      ui.error(e.message);
      ui.say(`Step "${e.step}" failed`);
      let answer = '';
      while (!['a', 'c', 'r'].includes(answer)) answer = await ctx.ask(ui);
      if (answer !== 'r') {
        e.reported = true;
        e.decision = answer === 'a' ? 'abort' : 'cleanup';
        throw e;
      }
    }
  }
}

async function runProvisioner(p: Provisioner, dir: string, ui: BuildUi, ctx: BuildContext, codename: string, failing: boolean): Promise<void> {
  const opts = { codename, failing };
  let outputs: MachineOutput[] = [];
  if (p.type === 'shell' && p.inline.length) {
    ui.say(`Provisioning with shell script: /tmp/packer-shell${Math.floor(1e8 + Math.random() * 9e8)}`);
    outputs = p.inline.flatMap((c) => commandOutput(c, opts));
  } else if (p.type === 'shell') {
    for (const script of p.scripts) {
      ui.say(`Provisioning with shell script: ${script}`);
      const file = path.resolve(dir, script);
      outputs.push(...scriptOutput(existsSync(file) ? readFileSync(file, 'utf8') : '', opts));
    }
  } else if (p.type === 'file') {
    ui.say('Uploading files...');
  } else {
    ui.say(`Provisioning with ${p.type}...`);
  }
  if (failing && !outputs.some((o) => o.kind === 'err')) outputs.push(...commandOutput('apt-get install -y paw-sandbox-missing', opts));
  for (const o of outputs) {
    if (o.kind === 'wait') await ctx.pause(o.ms);
    else if (o.kind === 'out') ui.message(o.text);
    else if (o.kind === 'err') ui.error(o.text);
    else ui.progress(o.states);
    if (o.kind !== 'wait') await ctx.pause(15);
  }
  if (failing) throw new StepFailed('Script exited with non-zero exit status: 100.Allowed exit codes are: [0]', 'StepProvision');
}

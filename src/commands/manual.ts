import type { Command } from 'commander';
import { DEFAULT_INSTANCE_TYPE } from '../constants.js';
import { formatDuration } from '../duration.js';
import { InterruptedError, UsageError } from '../errors.js';
import { onInterruptSignals, SIGNAL_EXIT_CODE, type InterruptSignal } from '../signals.js';
import type { ManualGuide, ManualView } from '../manual/guide.js';
import type { GlobalOptions } from './context.js';
import { askYesNo, canAsk, confirmed, emit, globalOptions, loadWorkflowFor, withCloud } from './context.js';

const ACTIONS = ['status', 'launch', 'stop', 'image', 'terminate', 'resume'] as const;
type Action = (typeof ACTIONS)[number];

interface ManualOptions {
  instanceType: string;
  keyName?: string;
  notify: boolean;
  stealLock: boolean;
  instance?: string;
  terminate: boolean;
}

export function register(program: Command): void {
  program
    .command('manual')
    .description(
      'the guided manual path of a step: launch an instance, connect, stop, create the image, terminate, record\n' +
        'status: the checklist; resume: goes on by itself up to the next thing a person must do',
    )
    .argument('<step>', 'the step id (the action may also come first: manual launch <step>)')
    .argument('[action]', ACTIONS.join('|'), 'status')
    .option('--instance-type <type>', 'instance type to launch', DEFAULT_INSTANCE_TYPE)
    .option('--key-name <name>', 'key pair to launch with (an existing one, or a new one to create)')
    .option('--instance <id>', 'image: adopt this instance, which paw-tui did not launch (stop, image, record)')
    .option('--terminate', 'image --instance: terminate the adopted instance once imaged (asked, "no" by default, without it)', false)
    .option('--notify', 'start an incident when the step fails (needs incident_response_plan_arn)', false)
    .option('--steal-lock', "take the step's lock from the run holding it (asks first; only when that run is gone)", false)
    .action(async (first: string, second: string, options: ManualOptions, cmd: Command) => {
      const isAction = (s: string) => (ACTIONS as readonly string[]).includes(s);
      // `manual launch <step>` reads as naturally as `manual <step> launch`: both are accepted.
      const [stepId, action] = isAction(first) && !isAction(second) ? [second, first] : [first, second];
      if (!isAction(action)) {
        throw new UsageError(`unknown manual action "${action}"`, `use one of: ${ACTIONS.join(', ')}`);
      }
      if (options.instance !== undefined && action !== 'image') {
        throw new UsageError('--instance goes with image only', `paw-tui manual ${stepId} image --instance ${options.instance}`);
      }
      if (options.instance !== undefined && !/^i-[0-9a-f]{8,17}$/.test(options.instance)) {
        throw new UsageError(`"${options.instance}" is not an instance id`, 'an id looks like i-0123456789abcdef0');
      }
      const opts = globalOptions(cmd);
      const workflow = await loadWorkflowFor(opts);
      const { findStep } = await import('../workflow/load.js');
      const step = findStep(workflow, stepId);
      await withCloud(opts, workflow, async (cloud) => {
        const { openManualGuide } = await import('../manual/guide.js');
        const guide = await openManualGuide(cloud, workflow, step);
        const stopProgress = opts.json ? () => {} : printProgress(guide);
        try {
          await runAction(guide, action as Action, opts, options);
        } catch (e) {
          if (options.notify && !(e instanceof UsageError)) {
            const { startManualIncident } = await import('../manual/incident.js');
            process.stdout.write(`${await startManualIncident(cloud, workflow, step, e, guide.view.journal)}\n`);
          }
          throw e;
        } finally {
          stopProgress();
        }
        const { statusText } = await import('../manual/status.js');
        emit(opts, jsonView(guide.view, guide.sshLine()), () => statusText(guide.view, guide.sshLine(), cloud.kind === 'sandbox'));
      });
    });
}

/** The headless command only names a command: the table of manual/machine.ts decides what it does here. */
async function runAction(guide: ManualGuide, action: Action, opts: GlobalOptions, options: ManualOptions): Promise<void> {
  if (action === 'status') return;
  const steal =
    options.stealLock &&
    (await confirmed(
      opts,
      `taking the lock of step ${guide.view.step.id}`,
      `Take the lock of step ${guide.view.step.id} from the run holding it? Only if that run is gone.`,
    ));
  if (options.stealLock && !steal) return;
  // A signal stops the path after the cloud call in flight is answered and journaled; a second forces.
  const interrupted = new AbortController();
  let first: InterruptSignal | null = null;
  // Read through a call: the handler sets it, which the type checker cannot see from here.
  const firstSignal = (): InterruptSignal | null => first;
  const restore = onInterruptSignals((signal, count) => {
    first ??= signal;
    if (count > 1) {
      process.stderr.write(`paw-tui: stopped at once; see where the checklist stands: paw-tui manual ${guide.view.step.id} status\n`);
      process.exit(SIGNAL_EXIT_CODE[first]);
    }
    process.stdout.write('\n  finishing the cloud call in flight and writing it down, then stopping (again to stop at once)\n');
    interrupted.abort();
    // Bounded: a call that never answers does not keep paw-tui forever.
    setTimeout(() => {
      process.stderr.write(`paw-tui: the cloud call in flight did not answer in 60 s; stopped — see: paw-tui manual ${guide.view.step.id} status\n`);
      process.exit(SIGNAL_EXIT_CODE[signal]);
    }, 60_000).unref();
  });
  try {
    await guide.command(options.instance ? 'adopt' : action, {
      signal: interrupted.signal,
      stealLock: steal,
      yes: opts.yes,
      confirmed: opts.yes,
      ask: canAsk() ? askYesNo : undefined,
      declined: () => process.stdout.write('nothing done\n'),
      instanceType: options.instanceType,
      keyName: options.keyName,
      instanceId: options.instance,
      terminateAdopted: options.terminate,
    });
  } catch (e) {
    const signal = firstSignal();
    if (signal)
      throw new InterruptedError(
        `interrupted (${signal}) at "${guide.view.spec.label}"`,
        `the journal remembers where it was: paw-tui manual ${guide.view.step.id} status`,
        SIGNAL_EXIT_CODE[signal],
      );
    throw e;
  } finally {
    restore();
  }
}

/** Prints each journal event as it is written, and the elapsed time of long waits. */
function printProgress(guide: ManualGuide): () => void {
  let seen = guide.view.journal.history.length;
  let lastTick = { since: 0, at: 0 };
  const unsubscribe = guide.subscribe((view) => {
    for (const entry of view.journal.history.slice(seen)) process.stdout.write(`  ${entry.event}\n`);
    seen = view.journal.history.length;
  });
  const timer = setInterval(() => {
    const busy = guide.view.busy;
    if (!busy) return;
    if (lastTick.since !== busy.since) lastTick = { since: busy.since, at: 0 };
    const s = Math.floor((Date.now() - busy.since) / 1000);
    if (s - lastTick.at >= 15) {
      lastTick.at = s;
      const seenState = guide.view.instance?.state ?? guide.view.image?.state;
      process.stdout.write(`  … ${busy.label.toLowerCase()} (${formatDuration(s * 1000)}${seenState ? `, EC2 says ${seenState}` : ''})\n`);
    }
  }, 1000);
  timer.unref();
  return () => {
    unsubscribe();
    clearInterval(timer);
  };
}

function jsonView(view: ManualView, ssh: string | null): unknown {
  return {
    step: view.step.id,
    state: view.state,
    next: view.spec.next,
    action: view.spec.action,
    awsCall: view.spec.awsCall,
    driver: view.spec.driver,
    instance: view.instance,
    image: view.image ? { id: view.image.id, name: view.image.name, state: view.image.state } : null,
    ssh,
    notes: view.notes,
    journal: view.journal,
  };
}

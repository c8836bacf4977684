import type { AmiImage, Cloud, Instance } from '../aws/ports.js';
import { recordAmi, type TableConsent } from '../aws/record.js';
import { InterruptedError, PawError, UsageError } from '../errors.js';
import { lockStep } from '../locks/step-lock.js';
import { newRunId } from '../packer/runs.js';
import { outputAmiName } from '../workflow/names.js';
import type { Step, Workflow } from '../workflow/types.js';
import { type ConnectCommand, connectCommand, sshLine } from './connect.js';
import { createImageInput, freeOutputName } from './image.js';
import { type ManualJournal, emptyJournal, readJournal, updateJournal } from './journal.js';
import { planLaunch } from './launch.js';
import { goneImage } from './status.js';
import {
  ABANDONABLE,
  actionAllowed,
  actionDone,
  adoptedState,
  confirmQuestion,
  confirmSubject,
  instanceRunsAt,
  KEY_PAIR_INTENT,
  MACHINE,
  type ManualAction,
  type ManualCommand,
  type ManualState,
  nextMove,
  stateAfter,
  stateOf,
  stateOnInstance,
  type StateSpec,
} from './machine.js';
import { FRESH_ATTEMPT, imageFailure, MISSING_GRACE_MS, reconcile } from './reconcile.js';
import { pollUntil, type WaitOptions } from '../wait.js';
import { formatDuration } from '../duration.js';

/** What the screen draws and the headless command prints: the journal plus what EC2 last said. */
export interface ManualView {
  step: Step;
  journal: ManualJournal;
  state: ManualState;
  /** The current checklist line: its action, AWS call and who moves it on. */
  spec: StateSpec;
  instance: Instance | null;
  image: AmiImage | null;
  /** What reconciliation with EC2 corrected when the guide was opened. */
  notes: string[];
  /** Set while an action or a wait is under way (the spinner's label and start). */
  busy: { label: string; since: number } | null;
}

export interface ActionOptions extends WaitOptions, Partial<TableConsent> {
  /** The user agreed to what cannot be undone (stop, terminate): a Confirm, or `--yes`. */
  confirmed?: boolean;
  instanceType?: string;
  keyName?: string;
  /** The instance to adopt (`manual <step> image --instance i-…`). */
  instanceId?: string;
}

export interface CommandOptions extends ActionOptions {
  /** Told when the user said no to a question: nothing was done. */
  declined?: () => void;
  /** Nobody is asked anything: it stops where a confirmation not given up front is needed. */
  unattended?: boolean;
  /** Take the step's lock from whoever holds it (the user confirmed). */
  stealLock?: boolean;
  /** An adopted instance is terminated without asking (`--terminate`); otherwise asked, "no" by default. */
  terminateAdopted?: boolean;
}

export interface ManualGuide {
  readonly view: ManualView;
  subscribe(listener: (view: ManualView) => void): () => void;
  /** Does the current state's action (the table decides which). */
  advance(options?: ActionOptions): Promise<void>;
  /** Does one named action; refused with the reason when the checklist is elsewhere. */
  perform(action: ManualAction, options?: ActionOptions): Promise<void>;
  /** Goes on by itself until a person is needed (`manual resume`). */
  resume(options?: ActionOptions): Promise<void>;
  /**
   * Does what a command means at the current state, as the table of machine.ts says: refuses,
   * asks (through `options.ask`, or `confirmed` up front), performs, goes on to the command's goal.
   */
  command(command: ManualCommand, options?: CommandOptions): Promise<void>;
  /**
   * Starts the path again at launch, once it is done and its image is gone from EC2 (the
   * person agreed): nothing is launched yet, the launch's choices come first.
   */
  startAgain(): Promise<void>;
  /** Asks EC2 again for the instance and image (address, uptime). */
  refresh(): Promise<void>;
  sshLine(): string | null;
  connectCommand(): ConnectCommand;
}

const REFUSED_DOING: Record<ManualAction, string> = {
  launch: 'launch',
  'wait-running': 'wait for the instance',
  connect: 'connect',
  stop: 'stop the instance',
  'wait-stopped': 'wait for the instance to stop',
  'create-image': 'create the image',
  'wait-image': 'wait for the image',
  terminate: 'terminate the instance',
  record: 'record the image',
  adopt: 'adopt an instance',
  keep: 'leave the instance running',
};

class Guide implements ManualGuide {
  view: ManualView;
  private readonly listeners = new Set<(view: ManualView) => void>();
  /** The command under way, if any: the next one given to this guide starts after it. */
  private commands: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly cloud: Cloud,
    private readonly workflow: Workflow,
    private readonly step: Step,
    journal: ManualJournal,
    found: { instance: Instance | null; image: AmiImage | null; notes: string[] },
  ) {
    this.view = { step, journal, state: journal.state, spec: MACHINE[journal.state], ...found, busy: null };
  }

  subscribe(listener: (view: ManualView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private show(change: Partial<ManualView>): void {
    const journal = change.journal ?? this.view.journal;
    this.view = { ...this.view, ...change, journal, state: journal.state, spec: MACHINE[journal.state] };
    for (const l of this.listeners) l(this.view);
  }

  private get j(): ManualJournal {
    return this.view.journal;
  }

  /** The journal's instance, which every state past launch has; a journal without one is refused in one line. */
  private get instanceId(): string {
    return this.need(this.j.instanceId, 'instance');
  }

  /** The journal's image, which every state past create-image has. */
  private get imageId(): string {
    return this.need(this.j.imageId, 'image');
  }

  private need(id: string | null, what: string): string {
    if (id) return id;
    throw new PawError(`the manual journal of step ${this.step.id} is at "${this.view.spec.label}" but names no ${what}`, {
      hint: `see where it stands: ${this.cmd} status`,
    });
  }

  private async write(change: Partial<ManualJournal>, event: string): Promise<void> {
    this.show({ journal: await updateJournal(this.step, this.j, change, event) });
  }

  /**
   * Writes the intent of a cloud call before it is made (an atomic, flushed write): the table
   * names the call and the words. An intent already in the journal (the call is being repeated
   * after a crash) is not written again: the first one still stands.
   */
  private async intend(action: Exclude<ManualAction, 'adopt'> | 'create-key-pair', change: Partial<ManualJournal>, detail?: string): Promise<void> {
    if (this.j.requested?.action === action) return;
    const spec = action === 'create-key-pair' ? KEY_PAIR_INTENT : MACHINE[stateOf(action)];
    const intent = spec.intent ?? `${action} requested`;
    const event = detail ? `${intent}: ${detail}` : intent;
    await this.write({ ...change, requested: { action, at: new Date().toISOString(), call: spec.awsCall ?? undefined } }, event);
  }

  private get cmd(): string {
    return `paw-tui manual ${this.step.id}`;
  }

  async advance(options: ActionOptions = {}): Promise<void> {
    const action = this.view.spec.action;
    if (!action) return;
    await this.perform(action, options);
  }

  async resume(options: ActionOptions = {}): Promise<void> {
    // Unattended: nobody is asked; what was confirmed up front (or asked before paw-tui stopped) goes on.
    await this.command('resume', { ...options, unattended: true });
  }

  command(command: ManualCommand, o: CommandOptions = {}): Promise<void> {
    return this.queued(`manual ${command}`, o.stealLock, () => this.commandLocked(command, o));
  }

  startAgain(): Promise<void> {
    return this.queued('manual start again', false, async () => {
      const gone = goneImage(this.view);
      if (!gone) return;
      await this.write({ ...FRESH_ATTEMPT }, `image ${gone} is gone from EC2; the manual path starts again`);
      this.show({ instance: null, image: null, notes: [] });
    });
  }

  /**
   * One command of a guide at a time, each under the step's lock: the screen goes on by itself
   * when opened, and a key pressed meanwhile must wait for that run, not meet its lock.
   */
  private queued(command: string, steal: boolean | undefined, work: () => Promise<void>): Promise<void> {
    const run = this.commands.then(() => this.underLock(command, steal, work));
    this.commands = run.catch(() => undefined);
    return run;
  }

  private async underLock(command: string, steal: boolean | undefined, work: () => Promise<void>): Promise<void> {
    // One manual run (or build) of a step at a time, on this machine and across machines.
    const lock = await lockStep({
      cloud: this.cloud,
      workflow: this.workflow,
      step: this.step,
      runId: this.j.runId ?? newRunId(this.step.id, new Date()),
      command,
      steal,
    });
    try {
      await work();
    } finally {
      await lock.release();
    }
  }

  private async commandLocked(command: ManualCommand, o: CommandOptions): Promise<void> {
    for (let started = false; ; started = true) {
      // Interrupted: the call that was in flight has been answered and journaled; stop here.
      if (o.signal?.aborted) throw new InterruptedError('interrupted', `the journal remembers where it was: ${this.cmd} status`);
      const move = nextMove(command, this.view.state, this.j.requested?.action ?? null, started, this.j.adopted);
      if (move.kind === 'stop') return;
      if (move.kind === 'refuse') throw this.refusal(move.action);
      if (move.kind === 'choose') {
        const question = confirmQuestion(move.otherwise, false, { instanceId: this.j.instanceId, imageId: this.j.imageId });
        const agreed = o.terminateAdopted === true || (!o.unattended && o.ask !== undefined && (await o.ask(question)));
        await this.perform(agreed ? move.action : move.otherwise, { ...o, confirmed: agreed });
        continue;
      }
      if (move.confirm && !o.confirmed) {
        const question = confirmQuestion(move.action, move.abandon, { instanceId: this.j.instanceId, imageId: this.j.imageId });
        if (!o.ask || o.unattended) {
          if (move.confirm === 'offer' || o.unattended) return;
          throw new UsageError(`${confirmSubject(move.action, this.j.instanceId)} needs confirmation and there is no terminal to ask`, 'pass --yes');
        }
        if (!(await o.ask(question))) {
          o.declined?.();
          return;
        }
      }
      await this.perform(move.action, { ...o, confirmed: true });
    }
  }

  async perform(action: ManualAction, options: ActionOptions = {}): Promise<void> {
    if (actionDone(action, this.view.state)) return;
    if (!actionAllowed(action, this.view.state)) throw this.refusal(action);
    const label = MACHINE[this.view.state].label;
    this.show({ busy: { label, since: Date.now() } });
    try {
      await this.run(action, options);
    } finally {
      this.show({ busy: null });
    }
  }

  private async run(action: ManualAction, o: ActionOptions): Promise<void> {
    switch (action) {
      case 'launch':
        return this.launch(o);
      case 'wait-running':
        return this.waitRunning(o);
      case 'connect':
        throw new PawError(`instance ${this.j.instanceId} is running and waiting for your work`, {
          hint: `connect (${this.sshLine() ?? 'ssh'}), then stop it: ${this.cmd} stop --yes`,
        });
      case 'stop':
        return this.stop(o);
      case 'wait-stopped':
        return this.waitStopped(o);
      case 'create-image':
        return this.createImage();
      case 'wait-image':
        return this.waitImage(o);
      case 'terminate':
        return this.terminate(o);
      case 'record':
        return this.record(o);
      case 'adopt':
        return this.adopt(o);
      case 'keep':
        return this.write(
          { state: stateAfter('keep') },
          `instance ${this.j.instanceId} is not terminated: paw-tui did not launch it (terminate it yourself, or pass --terminate)`,
        );
    }
  }

  /** Why an action cannot be done at this point of the checklist, in one line. */
  private refusal(action: ManualAction): PawError {
    const s = this.view.state;
    if (action === 'adopt') {
      return new PawError(
        `step ${this.step.id} already has a manual run in progress (instance ${this.j.instanceId ?? 'not launched yet'}, at "${this.view.spec.label}")`,
        {
          hint: `finish or give it up first: ${this.cmd} status`,
        },
      );
    }
    if (action === 'create-image' && instanceRunsAt(s)) {
      return new PawError(`cannot create the image: instance ${this.j.instanceId} is running`, {
        hint: `stop it first (${this.cmd} stop --yes); an image of a running instance may catch its disks mid-write`,
      });
    }
    return new PawError(`cannot ${REFUSED_DOING[action]} now: the checklist is at "${this.view.spec.label}"`, {
      hint: `see where it stands: ${this.cmd} status`,
    });
  }

  private needConfirmation(what: string, o: ActionOptions, action: string): void {
    if (o.confirmed || this.j.requested?.action === action) return;
    throw new PawError(`${what} needs confirmation`, { hint: `confirm in the app, or pass --yes`, exitCode: 2 });
  }

  private async launch(o: ActionOptions): Promise<void> {
    if (this.view.state === 'done') await this.write({ ...FRESH_ATTEMPT }, 'a new manual build of this step starts');
    const leaked = this.j.requested?.action === 'create-key-pair' ? this.j.keyName : null;
    const plan = await planLaunch(this.cloud, this.workflow, this.step, this.j, o, {
      leaked,
      beforeCreate: (keyName) => this.intend('create-key-pair', { keyName, pemPath: null }, keyName),
    });
    await this.intend('launch', plan.journal, plan.event);
    const id = await this.cloud.instances.run(plan.input);
    await this.write({ state: stateAfter('launch'), requested: null, instanceId: id, launchedAt: new Date().toISOString() }, `instance ${id} launched`);
  }

  /**
   * Takes over an instance paw-tui did not launch: checked in EC2 (this account and region),
   * written to the journal like a launch, then tagged so it is found without the journal too.
   */
  private async adopt(o: ActionOptions): Promise<void> {
    const id = o.instanceId;
    if (!id) throw new UsageError('adopting an instance needs its id', `${this.cmd} image --instance i-…`);
    const [instance] = await this.cloud.instances.describe([id]);
    if (!instance) {
      throw new PawError(`instance ${id} does not exist in ${this.cloud.region}`, { hint: 'check the id, the account (profile) and the region' });
    }
    const state = adoptedState(instance.state);
    if (!state)
      throw new PawError(`instance ${id} is ${instance.state}: there is nothing to make an image of`, { hint: 'give the id of a running or stopped instance' });
    if (this.view.state === 'done') await this.write({ ...FRESH_ATTEMPT }, 'a new manual build of this step starts');
    const runId = newRunId(this.step.id, new Date());
    const [source] = await this.cloud.images.describe([instance.imageId]);
    await this.write(
      {
        state,
        requested: null,
        runId,
        instanceId: id,
        adopted: true,
        instanceType: instance.instanceType,
        keyName: instance.keyName ?? null,
        pemPath: null,
        sourceAmiId: instance.imageId,
        sourceAmiName: source?.name ?? null,
        launchedAt: instance.launchTime || new Date().toISOString(),
      },
      `instance ${id} adopted (EC2 says ${instance.state})`,
    );
    this.show({ instance });
    await this.cloud.images.tag([id], { 'paw:workflow_id': this.workflow.param.workflow_id, 'paw:step_id': this.step.id, 'paw:run_id': runId });
    await this.write({}, `instance ${id} tagged paw:run_id=${runId}`);
  }

  private async describeInstance(): Promise<Instance | null> {
    const [instance] = await this.cloud.instances.describe([this.instanceId]);
    this.show({ instance: instance ?? null });
    return instance ?? null;
  }

  /** The instance is gone before its image was made: the attempt is over, the path starts again. */
  private async lost(instance: Instance | null, doing: string): Promise<never> {
    const id = this.j.instanceId;
    const reason = instance?.stateReason ?? (instance ? instance.state : 'it no longer exists');
    await this.write({ ...FRESH_ATTEMPT }, `instance ${id} ${doing}: ${reason}`);
    throw new PawError(`instance ${id} ${doing}: ${reason}`, { hint: `launch again: ${this.cmd} launch` });
  }

  private async waitRunning(o: ActionOptions): Promise<void> {
    const launchedAt = Date.parse(this.j.launchedAt ?? new Date().toISOString());
    const instance = await pollUntil(async () => {
      const i = await this.describeInstance();
      if (!i && Date.now() - launchedAt < MISSING_GRACE_MS) return undefined;
      if (!i || i.state === 'terminated' || i.state === 'shutting-down') return this.lost(i, 'failed to start');
      return i.state === 'pending' ? undefined : i;
    }, o);
    const stoppedTo = stateOnInstance(this.view.state, 'stopped');
    if (stoppedTo && (instance.state === 'stopping' || instance.state === 'stopped')) {
      await this.write({ state: stoppedTo }, `instance ${instance.id} was stopped before it was used`);
      return;
    }
    await this.write({ state: stateAfter('wait-running') }, `instance ${instance.id} is running${this.sshLine() ? `: ${this.sshLine()}` : ''}`);
  }

  private async stop(o: ActionOptions): Promise<void> {
    this.needConfirmation(`stopping instance ${this.j.instanceId}`, o, 'stop');
    await this.intend('stop', { state: stateOf('stop') });
    await this.cloud.instances.stop(this.instanceId);
    await this.write({ state: stateAfter('stop'), requested: null }, `instance ${this.j.instanceId} is stopping`);
  }

  private async waitStopped(o: ActionOptions): Promise<void> {
    await pollUntil(async () => {
      const i = await this.describeInstance();
      if (!i || i.state === 'terminated' || i.state === 'shutting-down') return this.lost(i, 'was terminated before its image was made');
      return i.state === 'stopped' ? i : undefined;
    }, o);
    await this.write({ state: stateAfter('wait-stopped') }, `instance ${this.j.instanceId} is stopped`);
  }

  private async createImage(): Promise<void> {
    const instance = await this.describeInstance();
    if (instance && instance.state !== 'stopped') {
      throw new PawError(`cannot create the image: instance ${instance.id} is ${instance.state}, not stopped`, {
        hint: `stop it first (${this.cmd} stop --yes)`,
      });
    }
    const { name, deregistered } = await freeOutputName(this.cloud, this.workflow, this.step);
    for (const id of deregistered) await this.write({}, `failed image ${id} deregistered to free the name ${name}`);
    await this.intend('create-image', { imageName: name }, name);
    let imageId: string;
    try {
      imageId = await this.cloud.images.createImage(createImageInput(this.workflow, this.step, this.j, name));
    } catch (e) {
      await this.write({ requested: null }, `CreateImage refused: ${(e as Error).message}`);
      throw e;
    }
    await this.write({ state: stateAfter('create-image'), requested: null, imageId }, `image ${imageId} created`);
  }

  private async waitImage(o: ActionOptions): Promise<void> {
    const imageId = this.imageId;
    const started = Date.now();
    const image = await pollUntil(async () => {
      const [i] = await this.cloud.images.describe([imageId]);
      this.show({ image: i ?? null });
      return i && (i.state === 'available' || imageFailure(i, imageId)) ? i : undefined;
    }, o);
    const failed = imageFailure(image, imageId);
    if (failed) {
      await this.write({ state: stateOf('create-image'), imageId: null }, failed);
      throw new PawError(failed, { hint: `create it again: ${this.cmd} image` });
    }
    await this.write({ state: stateAfter('wait-image') }, `image ${imageId} is available (${formatDuration(Date.now() - started)})`);
  }

  private async terminate(o: ActionOptions): Promise<void> {
    this.needConfirmation(`terminating instance ${this.j.instanceId}`, o, 'terminate');
    // Terminated before its image is made, the instance is given up: the path starts again.
    const abandon = ABANDONABLE.includes(this.view.state);
    await this.intend('terminate', {});
    await this.cloud.instances.terminate(this.instanceId);
    await this.describeInstance();
    if (abandon) {
      await this.write({ ...FRESH_ATTEMPT }, `instance ${this.j.instanceId} terminated before an image was made; the path starts again at launch`);
    } else {
      await this.write({ state: stateAfter('terminate'), requested: null }, `instance ${this.j.instanceId} is terminating`);
    }
  }

  private async record(o: ActionOptions): Promise<void> {
    await this.intend('record', {});
    const launched = this.j.launchedAt ? Date.parse(this.j.launchedAt) : undefined;
    const item = await recordAmi(this.cloud, this.workflow, this.step, this.imageId, {
      baseAmiId: this.j.sourceAmiId ?? undefined,
      baseAmiName: this.j.sourceAmiName ?? undefined,
      buildMethod: 'manual',
      durationS: launched === undefined ? undefined : (Date.now() - launched) / 1000,
      yes: o.yes ?? false,
      ask: o.ask,
    });
    await this.write({ state: stateAfter('record'), requested: null }, `${item.ami_id} recorded in ${this.cloud.catalog.tableName}`);
  }

  async refresh(): Promise<void> {
    if (this.j.instanceId) await this.describeInstance();
    if (this.j.imageId) {
      const [image] = await this.cloud.images.describe([this.j.imageId]);
      this.show({ image: image ?? null });
    }
  }

  sshLine(): string | null {
    return this.view.instance ? sshLine(this.view.instance, this.j.pemPath, this.j.keyName) : null;
  }

  connectCommand(): ConnectCommand {
    const instance = this.view.instance;
    if (!instance || this.view.spec.action !== 'connect') {
      throw new PawError('there is no running instance to connect to', { hint: `see where the checklist stands: ${this.cmd} status` });
    }
    return connectCommand(this.cloud, instance, this.j.pemPath, this.j.keyName);
  }
}

/** Opens the manual path of a step: reads its journal and reconciles it with EC2 before anything is offered. */
export async function openManualGuide(cloud: Cloud, workflow: Workflow, step: Step): Promise<ManualGuide> {
  const journal = (await readJournal(step)) ?? emptyJournal(workflow.param.workflow_id, step.id);
  const found = await reconcile(cloud, step, journal, outputAmiName(workflow, step));
  return new Guide(cloud, workflow, step, found.journal, found);
}

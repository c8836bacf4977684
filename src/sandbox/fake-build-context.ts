import type { Provisioner } from './packer-template.js';
import type { BuildUi } from './packer-ui.js';
import type { SandboxStore } from './state.js';

/** What the steps of a simulated build share: its settings, its pace, and how it stops. */

export class Cancelled extends Error {
  constructor() {
    super('Build was cancelled.');
  }
}

/** A failed step: the message Packer shows, and whether it is the provisioning step (for -on-error). */
export class StepFailed extends Error {
  /** Already shown to the user (and answered, under -on-error=ask). */
  reported = false;
  decision?: 'abort' | 'cleanup';

  constructor(
    message: string,
    readonly step: string,
  ) {
    super(message);
  }
}

export interface BuildSpec {
  /** `<build name>.amazon-ebs.<source>` as Packer prints it. */
  name: string;
  sourceName: string;
  amiName: string;
  sourceAmiId: string;
  instanceType: string;
  region: string;
  subnetName?: string;
  securityGroupName?: string;
  vpcName?: string;
  instanceProfile?: string;
  /** `run_tags`, evaluated (Name defaults to Packer's "Packer Builder"). */
  runTags: Record<string, string>;
  /** The template's `tags` and `snapshot_tags`, evaluated. */
  amiTags: Record<string, string>;
  snapshotTags: Record<string, string>;
  provisioners: Provisioner[];
  /** The folder the build runs in (scripts are relative to it). */
  dir: string;
}

export interface BuildContext {
  store: SandboxStore;
  /** Waits `ms` (divided by the speed); rejects with Cancelled on interrupt. */
  pause(ms: number): Promise<void>;
  /** A simulated duration divided by the speed. */
  speedMs(ms: number): number;
  onError: string;
  fail: string | undefined;
  /** Asks the `-on-error=ask` question; resolves with the first letter typed. */
  ask(ui: BuildUi): Promise<string>;
}

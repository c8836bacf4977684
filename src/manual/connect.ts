import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Cloud, Instance } from '../aws/ports.js';
import { PawError } from '../errors.js';

/** What the terminal pane runs to reach the instance. */
export interface ConnectCommand {
  file: string;
  args: string[];
  /** Shown above the pane, so the user knows what they are typing into. */
  label: string;
}

/** The address ssh uses: public DNS name, else public IP; null when the instance has neither. */
export function publicAddress(instance: Pick<Instance, 'publicDnsName' | 'publicIp'>): string | null {
  return instance.publicDnsName || instance.publicIp || null;
}

/** The private key as the ssh line shows it: the .pem paw-tui saved, else where one usually keeps it. */
export function keyFileFor(pemPath: string | null, keyName: string | null): string {
  return pemPath ?? `~/.ssh/${keyName ?? 'key'}.pem`;
}

/** A path as a person types it: under the home folder, `~/…` (shells and ssh expand it). */
export function shownPath(file: string, home = os.homedir()): string {
  return home && home !== '/' && file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

/** The exact line to type: `ssh -i <pem> ubuntu@<public dns or ip>`; null without a public address. */
export function sshLine(instance: Instance, pemPath: string | null, keyName: string | null): string | null {
  const address = publicAddress(instance);
  return address ? `ssh -i ${shownPath(keyFileFor(pemPath, keyName))} ubuntu@${address}` : null;
}

/** A program on PATH, or null. */
export function onPath(name: string, envPath = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/**
 * How the pane connects. This is the one place that knows about the sandbox: its instances are
 * not real machines, so a local shell stands in for ssh, labelled as such. Elsewhere: ssh with
 * the step's key when the instance has a public address, else SSM Session Manager when the AWS
 * CLI and its session-manager-plugin are installed, else an error saying what is missing.
 */
export function connectCommand(
  cloud: Pick<Cloud, 'kind' | 'region' | 'profile'>,
  instance: Instance,
  pemPath: string | null,
  keyName: string | null,
): ConnectCommand {
  const line = sshLine(instance, pemPath, keyName);
  const address = publicAddress(instance);
  if (cloud.kind === 'sandbox') {
    const shell = process.env.SHELL && onPath(path.basename(process.env.SHELL)) ? process.env.SHELL : '/bin/sh';
    return {
      file: shell,
      args: [],
      label: `sandbox: a local shell stands in for ${address ? `ssh ubuntu@${address}` : `a session on ${instance.id}`}`,
    };
  }
  if (line) {
    return {
      file: 'ssh',
      args: ['-i', keyFileFor(pemPath, keyName), `ubuntu@${address}`],
      label: line,
    };
  }
  const missing = ['aws', 'session-manager-plugin'].filter((p) => !onPath(p));
  if (missing.length > 0) {
    throw new PawError(
      `instance ${instance.id} has no public address, and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed for SSM Session Manager`,
      {
        hint: 'install the AWS CLI and the session-manager-plugin (docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html), or give the subnet public IPs',
      },
    );
  }
  const args = ['ssm', 'start-session', '--target', instance.id, '--region', cloud.region];
  if (cloud.profile) args.push('--profile', cloud.profile);
  return { file: 'aws', args, label: `aws ${args.join(' ')}` };
}

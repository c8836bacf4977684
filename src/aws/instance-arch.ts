import { DEFAULT_INSTANCE_TYPE } from '../constants.js';

/**
 * Which processor an EC2 instance type has. Graviton (arm64) families carry a `g` right after
 * their generation (t4g, m7g, c7gn, r6gd) or are the first one, a1; every other family is x86_64.
 */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  const family = (instanceType.split('.')[0] ?? '').toLowerCase();
  return family === 'a1' || /^[a-z]+\d+g/.test(family) ? 'arm64' : 'x86_64';
}

/** Ubuntu's name for an AMI architecture (`amd64`, `arm64`) as EC2 names it. */
export function ec2Architecture(ubuntuArch: string): 'arm64' | 'x86_64' {
  return ubuntuArch === 'arm64' ? 'arm64' : 'x86_64';
}

/** What to say when an AMI of `ubuntuArch` cannot boot on `instanceType`; null when it fits. */
export function architectureMismatch(ubuntuArch: string, instanceType: string): string | null {
  const ami = ec2Architecture(ubuntuArch);
  const machine = instanceArchitecture(instanceType);
  if (ami === machine) return null;
  const instead = ami === 'arm64' ? 't4g.micro' : DEFAULT_INSTANCE_TYPE;
  return `${ubuntuArch} AMIs do not boot on ${instanceType} (${machine}): set instance_type to a ${ami} type such as ${instead}`;
}

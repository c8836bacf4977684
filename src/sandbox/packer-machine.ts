/**
 * What the simulated build instance answers to the provisioners' commands: the output an Ubuntu
 * machine on EC2 gives for the commands the scaffolds use (cloud-init, lsblk, df, apt-get, echo,
 * sleep), with apt's `\r` progress lines and its stderr, and silence for anything else.
 */

export type MachineOutput =
  { kind: 'out'; text: string } | { kind: 'progress'; states: string[] } | { kind: 'err'; text: string } | { kind: 'wait'; ms: number };

const out = (text: string): MachineOutput => ({ kind: 'out', text });

function percentSteps(prefix: string, done: string): string[] {
  return [0, 12, 37, 64, 88, 100].map((p) => `${prefix}${p}%`).concat(`${prefix}${done}`);
}

function aptUpdate(codename: string): MachineOutput[] {
  const mirror = 'http://us-east-1.ec2.archive.ubuntu.com/ubuntu';
  return [
    out(`Hit:1 ${mirror} ${codename} InRelease`),
    { kind: 'wait', ms: 150 },
    out(`Get:2 ${mirror} ${codename}-updates InRelease [128 kB]`),
    out(`Get:3 ${mirror} ${codename}-backports InRelease [127 kB]`),
    out(`Get:4 http://security.ubuntu.com/ubuntu ${codename}-security InRelease [129 kB]`),
    { kind: 'wait', ms: 200 },
    out(`Get:5 ${mirror} ${codename}-updates/main amd64 Packages [1,792 kB]`),
    out('Fetched 2,176 kB in 1s (2,913 kB/s)'),
    { kind: 'progress', states: percentSteps('Reading package lists... ', 'Done') },
  ];
}

function aptInstall(packages: string[], failing: boolean): MachineOutput[] {
  const lines: MachineOutput[] = [
    { kind: 'progress', states: percentSteps('Reading package lists... ', 'Done') },
    { kind: 'progress', states: percentSteps('Building dependency tree... ', 'Done') },
    { kind: 'progress', states: percentSteps('Reading state information... ', 'Done') },
  ];
  if (failing) {
    return [...lines, { kind: 'err', text: `E: Unable to locate package ${packages[packages.length - 1] ?? 'paw-sandbox-missing'}` }];
  }
  const preinstalled = new Set(['curl', 'wget', 'git', 'ca-certificates', 'python3']);
  const fresh = packages.filter((p) => !preinstalled.has(p));
  for (const p of packages.filter((x) => preinstalled.has(x))) lines.push(out(`${p} is already the newest version.`));
  if (!fresh.length) return [...lines, out('0 upgraded, 0 newly installed, 0 to remove and 7 not upgraded.')];
  lines.push(out('The following NEW packages will be installed:'), out(`  ${fresh.join(' ')}`));
  lines.push(out(`0 upgraded, ${fresh.length} newly installed, 0 to remove and 7 not upgraded.`));
  lines.push(out(`Need to get ${fresh.length * 175} kB of archives.`));
  lines.push(out(`After this operation, ${fresh.length * 386} kB of additional disk space will be used.`));
  fresh.forEach((p, i) => lines.push(out(`Get:${i + 1} http://us-east-1.ec2.archive.ubuntu.com/ubuntu jammy/main amd64 ${p} amd64 6.0-26ubuntu3 [175 kB]`)));
  lines.push({ kind: 'wait', ms: 300 });
  lines.push({ kind: 'err', text: 'debconf: unable to initialize frontend: Dialog' });
  lines.push({ kind: 'err', text: 'debconf: (Dialog frontend will not work on a dumb terminal, an emacs shell buffer, or without a controlling terminal.)' });
  lines.push({ kind: 'err', text: 'debconf: falling back to frontend: Readline' });
  lines.push(out(`Fetched ${fresh.length * 175} kB in 0s (3,912 kB/s)`));
  for (const p of fresh) {
    lines.push(out(`Selecting previously unselected package ${p}.`));
    lines.push({
      kind: 'progress',
      states: [
        '(Reading database ... ',
        ...[5, 25, 50, 75, 100].map((n) => `(Reading database ... ${n}%`),
        '(Reading database ... 64312 files and directories currently installed.)',
      ],
    });
    lines.push(out(`Preparing to unpack .../${p}_6.0-26ubuntu3_amd64.deb ...`), out(`Unpacking ${p} (6.0-26ubuntu3) ...`));
    lines.push({ kind: 'wait', ms: 150 });
    lines.push(out(`Setting up ${p} (6.0-26ubuntu3) ...`));
  }
  lines.push(out('Processing triggers for man-db (2.10.2-1) ...'));
  return lines;
}

const LSBLK = [
  'NAME         MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS',
  'loop0          7:0    0 25.2M  1 loop /snap/amazon-ssm-agent/7993',
  'loop1          7:1    0 55.7M  1 loop /snap/core18/2812',
  'nvme0n1      259:0    0    8G  0 disk',
  '├─nvme0n1p1  259:1    0  7.9G  0 part /',
  '├─nvme0n1p14 259:2    0    4M  0 part',
  '└─nvme0n1p15 259:3    0  106M  0 part /boot/efi',
];

const DF = [
  'Filesystem      Size  Used Avail Use% Mounted on',
  '/dev/root       7.6G  1.9G  5.7G  25% /',
  'tmpfs           458M     0  458M   0% /dev/shm',
  'tmpfs           183M  852K  182M   1% /run',
  'tmpfs           5.0M     0  5.0M   0% /run/lock',
  '/dev/nvme0n1p15 105M  6.1M   99M   6% /boot/efi',
  'tmpfs            92M  4.0K   92M   1% /run/user/1000',
];

/** The machine's answer to one shell command line. */
export function commandOutput(command: string, options: { codename: string; failing: boolean }): MachineOutput[] {
  const c = command.trim().replace(/^sudo\s+(-\S+\s+)*/, '');
  if (/^cloud-init status --wait/.test(c)) return [{ kind: 'wait', ms: 400 }, out('.'), out('status: done')];
  if (/^lsblk\b/.test(c)) return LSBLK.map(out);
  if (/^df\b/.test(c)) return DF.map(out);
  if (/^apt(-get)?\s+(-\S+\s+)*update\b/.test(c)) return aptUpdate(options.codename);
  const install = /^apt(-get)?\s+.*\binstall\b(.*)$/.exec(c);
  if (install)
    return aptInstall(
      install[2]!.split(/\s+/).filter((w) => w && !w.startsWith('-')),
      options.failing,
    );
  const sleep = /^sleep\s+(\d+(?:\.\d+)?)/.exec(c);
  if (sleep) return [{ kind: 'wait', ms: Math.min(2_000, Number(sleep[1]) * 1000) }];
  const echo = /^echo\s+(.*)$/.exec(c);
  if (echo) return [out(echo[1]!.replace(/^(["'])(.*)\1$/, '$2'))];
  if (/^(uname -a)/.test(c))
    return [out('Linux ip-10-0-1-23 6.5.0-1022-aws #22~22.04.1-Ubuntu SMP Fri Jun  7 19:58:16 UTC 2024 x86_64 x86_64 x86_64 GNU/Linux')];
  return [{ kind: 'wait', ms: 100 }];
}

/** What an uploaded script prints: the commands a shell script runs; for other interpreters, only time passes. */
export function scriptOutput(text: string, options: { codename: string; failing: boolean }): MachineOutput[] {
  if (!/^#!.*\b(ba|da|z)?sh\b/.test(text) && /^#!/.test(text)) return [{ kind: 'wait', ms: 600 }];
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .flatMap((l) => commandOutput(l, options));
}

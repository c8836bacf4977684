import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { awsCall } from '../aws/errors.js';
import { retried, retryStrategy } from '../aws/retry.js';
import type { RetryStrategyV2 } from '@smithy/types';

/**
 * What makes the sandbox behave like a real, sometimes unkind, AWS:
 *
 * - Errors are shaped like the SDK's service exceptions (`name` and `Code` = the service's error
 *   code, `$fault`, `$metadata.httpStatusCode`), so src/aws/errors.ts translates them exactly as
 *   it does AWS's. Every call is retried by the SDK's own strategy, made as an SDK client makes
 *   it (src/aws/retry.ts), then translated by the same `awsCall` (one line for the user).
 * - `PAW_SANDBOX_LATENCY_MS=50` adds that many milliseconds to every EC2 call (benchmarks).
 * - `PAW_SANDBOX_FAULTS` injects failures, for fault tests and demos. A comma-separated list of
 *   `<Operation>=<fault>[*<times>]`, with the API's operation name:
 *     `DeregisterImage=throttle*2`  the next two DeregisterImage calls are throttled, then they work
 *     `RunInstances=InsufficientInstanceCapacity`  every RunInstances fails with that code
 *   Faults: `throttle` (RequestLimitExceeded, or ThrottlingException outside EC2), `expired`
 *   (ExpiredToken), `denied` (UnauthorizedOperation, or AccessDeniedException outside EC2),
 *   `nocreds` (the SDK's "Could not load credentials"), or any other word, used as the error code.
 *   Counts are kept per process.
 * - `PAW_SANDBOX_KILL=<Operation>:<before|during|after>[:<n>]` SIGKILLs paw-tui at the nth call
 *   (default the first) of that operation in this process: before the request, while it is in
 *   flight (the cloud has done the work, the answer never arrives) or right after the answer.
 *   With `PAW_SANDBOX_KILL_ONCE=<file>`, only the first process to reach the point is killed (the
 *   file is created then), so the same environment can restart paw-tui. `PAW_SANDBOX_TRACE=<file>`
 *   appends each call (`<pid> <Operation>`) to that file. For the kill-point tests. The simulated
 *   packer has kill points of its own (`PackerStart`, `PackerKeyPair`, `PackerSecurityGroup`,
 *   `PackerInstance`, `PackerImage`, phase `after`) that kill it together with paw-tui.
 */

export interface SandboxErrorOptions {
  status?: number;
  fault?: 'client' | 'server';
  throttling?: boolean;
}

export class SandboxServiceError extends Error {
  readonly Code: string;
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId: string; attempts: number; totalRetryDelay: number };
  readonly $retryable?: { throttling: boolean };

  constructor(code: string, message: string, options: SandboxErrorOptions = {}) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$fault = options.fault ?? 'client';
    this.$metadata = { httpStatusCode: options.status ?? 400, requestId: randomUUID(), attempts: 1, totalRetryDelay: 0 };
    if (options.throttling) this.$retryable = { throttling: true };
  }
}

export function sandboxError(code: string, message: string, options?: SandboxErrorOptions): SandboxServiceError {
  return new SandboxServiceError(code, message, options);
}

interface FaultRule {
  fault: string;
  /** Remaining failures; Infinity when no count was given. */
  remaining: number;
}

let parsedFrom: string | undefined;
let rules = new Map<string, FaultRule>();

function faultRules(): Map<string, FaultRule> {
  const spec = process.env.PAW_SANDBOX_FAULTS ?? '';
  if (spec !== parsedFrom) {
    parsedFrom = spec;
    rules = new Map();
    for (const part of spec.split(',')) {
      const m = /^\s*([A-Za-z]+)\s*=\s*([A-Za-z0-9.]+)\s*(?:\*\s*(\d+))?\s*$/.exec(part);
      if (m) rules.set(m[1]!, { fault: m[2]!, remaining: m[3] ? Number(m[3]) : Infinity });
    }
  }
  return rules;
}

function faultError(service: string, operation: string, fault: string): Error {
  const ec2 = service === 'ec2';
  switch (fault) {
    case 'throttle':
      return ec2
        ? sandboxError('RequestLimitExceeded', 'Request limit exceeded.', { status: 503, throttling: true })
        : sandboxError('ThrottlingException', 'Rate exceeded', { status: 400, throttling: true });
    case 'expired':
      return sandboxError('ExpiredToken', 'The security token included in the request is expired', { status: 400 });
    case 'denied':
      return ec2
        ? sandboxError(
            'UnauthorizedOperation',
            `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/sandbox is not authorized to perform: ec2:${operation}`,
            { status: 403 },
          )
        : sandboxError('AccessDeniedException', `User: arn:aws:iam::123456789012:user/sandbox is not authorized to perform: ${service}:${operation}`, {
            status: 400,
          });
    case 'nocreds': {
      const e = new Error('Could not load credentials from any providers');
      e.name = 'CredentialsProviderError';
      return e;
    }
    default:
      return sandboxError(fault, `${fault} (injected by PAW_SANDBOX_FAULTS for ${operation})`, { status: 400 });
  }
}

export type KillPhase = 'before' | 'during' | 'after';
const killCounts = new Map<string, number>();

/** Whether PAW_SANDBOX_KILL asks for a kill here (counted once per call and phase). */
function killDue(operation: string, phase: KillPhase): boolean {
  const m = /^([A-Za-z]+):(before|during|after)(?::(\d+))?$/.exec((process.env.PAW_SANDBOX_KILL ?? '').trim());
  if (!m || m[1] !== operation || m[2] !== phase) return false;
  const n = (killCounts.get(operation) ?? 0) + 1;
  killCounts.set(operation, n);
  if (n !== Number(m[3] ?? 1)) return false;
  const once = process.env.PAW_SANDBOX_KILL_ONCE;
  if (once) {
    try {
      writeFileSync(once, `${operation}:${phase}:${n}\n`, { flag: 'wx' });
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * A kill point of the sandbox (PAW_SANDBOX_KILL): SIGKILLs `target` (paw-tui; the simulated
 * packer names its parent) when this call is the one asked for.
 */
export function killPoint(operation: string, phase: KillPhase, target: number = process.pid): void {
  if (process.env.PAW_SANDBOX_TRACE && phase === 'before') appendFileSync(process.env.PAW_SANDBOX_TRACE, `${target} ${operation}\n`);
  if (killDue(operation, phase)) process.kill(target, 'SIGKILL');
}

/**
 * A kill point of the simulated packer (`PAW_SANDBOX_KILL=PackerInstance:after`...): paw-tui (its
 * parent) and the packer itself are SIGKILLed together, as when the machine goes down mid-build,
 * so nothing Packer made is cleaned up.
 */
export function killPackerAndParent(operation: string): void {
  // Packer runs under the terminal's shell (src/packer/terminal.ts), which paw-tui started.
  const shell = process.ppid;
  const pawTui = parentOf(shell);
  if (process.env.PAW_SANDBOX_TRACE) appendFileSync(process.env.PAW_SANDBOX_TRACE, `${pawTui ?? shell} ${operation}\n`);
  if (!killDue(operation, 'after')) return;
  for (const pid of [pawTui, shell, process.pid]) if (pid && pid > 1) process.kill(pid, 'SIGKILL');
}

/** A process's parent, from /proc (Linux; null elsewhere). */
function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
  } catch {
    return null;
  }
}

/** Throws the injected fault for this operation, if one is due. */
function injectFault(service: string, operation: string): void {
  const rule = faultRules().get(operation);
  if (!rule || rule.remaining <= 0) return;
  rule.remaining -= 1;
  throw faultError(service, operation, rule.fault);
}

/** One retry strategy per service, as each SDK client holds its own (and its rate limiter). */
const strategies = new Map<string, RetryStrategyV2>();

function strategyFor(service: string): RetryStrategyV2 {
  let strategy = strategies.get(service);
  if (!strategy) strategies.set(service, (strategy = retryStrategy()));
  return strategy;
}

/**
 * One sandbox API call, as the SDK adapters make theirs: latency (EC2), injected faults and the
 * work itself, retried by the SDK's strategy, then translated by src/aws/errors.ts.
 */
export function sandboxCall<T>(service: 'ec2' | 'ssm' | 'iam' | 'sts' | 'ssm-incidents', operation: string, work: () => Promise<T>): Promise<T> {
  const call = awsCall(`${service}:${operation}`, () =>
    retried(strategyFor(service), service, async () => {
      const latency = Number(process.env.PAW_SANDBOX_LATENCY_MS);
      if (service === 'ec2' && latency > 0) await sleep(latency);
      killPoint(operation, 'before');
      injectFault(service, operation);
      const answer = await work();
      killPoint(operation, 'during');
      return answer;
    }),
  );
  if (!process.env.PAW_SANDBOX_KILL) return call;
  // Right after the answer: the caller has it, and is killed before its next step is done.
  return call.then((answer) => {
    setImmediate(() => killPoint(operation, 'after'));
    return answer;
  });
}

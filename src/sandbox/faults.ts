import { randomUUID } from 'node:crypto';
import { awsCall } from '../aws/errors.js';

/**
 * What makes the sandbox behave like a real, sometimes unkind, AWS:
 *
 * - Errors are shaped like the SDK's service exceptions (`name` and `Code` = the service's error
 *   code, `$fault`, `$metadata.httpStatusCode`), so src/aws/errors.ts translates them exactly as
 *   it does AWS's, and every call goes through the same `awsCall` (throttling retried with
 *   back-off, then one line for the user).
 * - `PAW_SANDBOX_LATENCY_MS=50` adds that many milliseconds to every EC2 call (benchmarks).
 * - `PAW_SANDBOX_FAULTS` injects failures, for fault tests and demos. A comma-separated list of
 *   `<Operation>=<fault>[*<times>]`, with the API's operation name:
 *     `DeregisterImage=throttle*2`  the next two DeregisterImage calls are throttled, then they work
 *     `RunInstances=InsufficientInstanceCapacity`  every RunInstances fails with that code
 *   Faults: `throttle` (RequestLimitExceeded, or ThrottlingException outside EC2), `expired`
 *   (ExpiredToken), `denied` (UnauthorizedOperation, or AccessDeniedException outside EC2),
 *   `nocreds` (the SDK's "Could not load credentials"), or any other word, used as the error code.
 *   Counts are kept per process.
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
        ? sandboxError('UnauthorizedOperation', `You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/sandbox is not authorized to perform: ec2:${operation}`, { status: 403 })
        : sandboxError('AccessDeniedException', `User: arn:aws:iam::123456789012:user/sandbox is not authorized to perform: ${service}:${operation}`, { status: 400 });
    case 'nocreds': {
      const e = new Error('Could not load credentials from any providers');
      e.name = 'CredentialsProviderError';
      return e;
    }
    default:
      return sandboxError(fault, `${fault} (injected by PAW_SANDBOX_FAULTS for ${operation})`, { status: 400 });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Throws the injected fault for this operation, if one is due. */
function injectFault(service: string, operation: string): void {
  const rule = faultRules().get(operation);
  if (!rule || rule.remaining <= 0) return;
  rule.remaining -= 1;
  throw faultError(service, operation, rule.fault);
}

/**
 * One sandbox API call, as the SDK adapters make theirs: latency (EC2), injected faults, the
 * work itself, then the shared retry and translation of src/aws/errors.ts.
 */
export function sandboxCall<T>(service: 'ec2' | 'ssm' | 'iam' | 'sts' | 'ssm-incidents', operation: string, work: () => Promise<T>): Promise<T> {
  return awsCall(`${service}:${operation}`, async () => {
    const latency = Number(process.env.PAW_SANDBOX_LATENCY_MS);
    if (service === 'ec2' && latency > 0) await sleep(latency);
    injectFault(service, operation);
    return work();
  });
}

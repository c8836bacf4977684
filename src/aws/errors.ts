import { PawError } from '../errors.js';

/**
 * AWS failures translated once, at the adapter edge, into the one actionable line of SPEC §4.
 * The SDK reports the kind of failure in `name` (the service's error code) and sometimes only in
 * the message (credential providers), so both are looked at.
 */

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'InvalidSignatureException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);
const NOT_FOUND = new Set([
  'InvalidAMIID.NotFound',
  'InvalidAMIID.Malformed',
  'InvalidAMIID.Unavailable',
  'InvalidInstanceID.NotFound',
  'InvalidInstanceID.Malformed',
  'InvalidSnapshot.NotFound',
  'InvalidKeyPair.NotFound',
  'ResourceNotFoundException',
  'ParameterNotFound',
  'NoSuchEntity',
]);

function errorName(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [o.name, o.Code, o.code]) if (typeof v === 'string' && v !== 'Error') return v;
  }
  return '';
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function isMissingCredentials(name: string, message: string): boolean {
  return name === 'CredentialsProviderError' || /could not load credentials|no credentials|credential is missing|unable to find credentials/i.test(message);
}

export function isThrottling(e: unknown): boolean {
  const name = errorName(e);
  if (THROTTLED.has(name)) return true;
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return status === 429;
}

/** A not-found answer, also once translated into a PawError (its cause). */
export function isNotFound(e: unknown): boolean {
  if (e instanceof PawError) return e.cause !== undefined && isNotFound(e.cause);
  return NOT_FOUND.has(errorName(e));
}

/** The PawError a user sees for a failed AWS call; `action` is the API action, e.g. `ec2:DescribeImages`. */
export function translateAwsError(e: unknown, action: string): PawError {
  if (e instanceof PawError) return e;
  const name = errorName(e);
  const message = errorMessage(e);
  if (EXPIRED.has(name) || /token.*expired|expired.*token/i.test(message)) {
    return new PawError('AWS credentials have expired', {
      hint: 'refresh them (for SSO: aws sso login --profile <profile>) and try again',
      cause: e,
    });
  }
  if (isMissingCredentials(name, message)) {
    return new PawError('no AWS credentials found', {
      hint: 'set profile_name in workflow_param.json, pass --profile, or export AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (--sandbox runs offline)',
      cause: e,
    });
  }
  if (INVALID_CREDENTIALS.has(name)) {
    return new PawError(`AWS rejected the credentials for ${action} (${name})`, {
      hint: 'check the access key, secret and profile in use (aws sts get-caller-identity)',
      cause: e,
    });
  }
  if (DENIED.has(name)) {
    return new PawError(`access denied: not allowed to call ${action}`, {
      hint: `grant ${action} to the role or user in use, or use another --profile`,
      cause: e,
    });
  }
  if (isThrottling(e)) {
    const attempts = (e as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    return new PawError(`AWS throttled ${action} after ${attempts} attempt${attempts === 1 ? '' : 's'}`, {
      hint: 'too many requests in this account and region; wait a minute and try again',
      cause: e,
    });
  }
  if (NOT_FOUND.has(name)) {
    return new PawError(`not found (${action}): ${firstLine(message)}`, {
      hint: 'check the id, the region and the account in use',
      cause: e,
    });
  }
  return new PawError(`${action} failed: ${firstLine(message) || name || 'unknown error'}`, { cause: e });
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').trim();
}

/**
 * One AWS call, any failure translated for the user. Retrying is the SDK's (src/aws/retry.ts):
 * what reaches here is final.
 */
export async function awsCall<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw translateAwsError(e, action);
  }
}

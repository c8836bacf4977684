import { setTimeout as sleep } from 'node:timers/promises';
import { AdaptiveRetryStrategy, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, SdkError } from '@smithy/types';

/**
 * The one retry policy of paw-tui: the AWS SDK's own adaptive strategy (exponential back-off with
 * jitter, a client-side rate limiter that slows down once throttled). Every SDK client is built
 * with `retryConfig()`; the sandbox, which has no SDK client, runs its calls through
 * `retryStrategy()` — the same strategy class with the same attempts. Nothing retries on top:
 * src/aws/errors.ts only translates what the SDK finally gave up on.
 */

/** Attempts per call, the first included, unless AWS_MAX_ATTEMPTS or the profile says otherwise. */
export const MAX_ATTEMPTS = 5;
export const RETRY_MODE = 'adaptive';

/**
 * Client config for the retry policy. The user's own AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (or
 * max_attempts / retry_mode in the profile) win: the SDK reads them when the option is left out.
 */
export function retryConfig(env: NodeJS.ProcessEnv = process.env): { maxAttempts?: number; retryMode?: string } {
  return {
    ...(env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: MAX_ATTEMPTS }),
    ...(env.AWS_RETRY_MODE ? {} : { retryMode: RETRY_MODE }),
  };
}

/** The attempts in force: AWS_MAX_ATTEMPTS when set to a number, else ours. */
function maxAttempts(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.AWS_MAX_ATTEMPTS);
  return Number.isInteger(n) && n > 0 ? n : MAX_ATTEMPTS;
}

/** The SDK's adaptive strategy, as a client built with `retryConfig()` makes it. */
export function retryStrategy(env: NodeJS.ProcessEnv = process.env): RetryStrategyV2 {
  return new AdaptiveRetryStrategy(maxAttempts(env));
}

/** How the SDK's retry middleware classifies a failure before asking the strategy. */
function retryErrorInfo(e: unknown): RetryErrorInfo {
  const error = e as SdkError;
  const errorType: RetryErrorType = isThrottlingError(error)
    ? 'THROTTLING'
    : isTransientError(error)
      ? 'TRANSIENT'
      : isServerError(error)
        ? 'SERVER_ERROR'
        : 'CLIENT_ERROR';
  return { error, errorType };
}

/**
 * Runs `attempt` under `strategy` as the SDK's retry middleware does for a request: retried while
 * the strategy grants a token, then the last error thrown with `$metadata.attempts` set.
 */
export async function retried<T>(strategy: RetryStrategyV2, scope: string, attempt: () => Promise<T>): Promise<T> {
  let token = await strategy.acquireInitialRetryToken(scope);
  for (let attempts = 1; ; attempts++) {
    try {
      const out = await attempt();
      strategy.recordSuccess(token);
      return out;
    } catch (e) {
      try {
        token = await strategy.refreshRetryTokenForRetry(token, retryErrorInfo(e));
      } catch {
        if (e && typeof e === 'object') {
          const meta = ((e as { $metadata?: Record<string, unknown> }).$metadata ??= {});
          meta.attempts = attempts;
        }
        throw e;
      }
      const delay = token.getRetryDelay();
      if (delay > 0) await sleep(delay);
    }
  }
}

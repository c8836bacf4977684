import type { Cloud, CloudOptions } from './ports.js';

/**
 * Opens the backend. The one place that chooses between AWS and the sandbox; both modules are
 * loaded only here and only when asked for, so start-up never pays for the SDK.
 */
export async function openCloud(options: CloudOptions): Promise<Cloud> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (options.sandbox) {
    const { openSandboxCloud } = await import('../sandbox/cloud.js');
    return openSandboxCloud(options);
  }
  const { openAwsCloud } = await import('./sdk/cloud.js');
  return openAwsCloud(options);
}

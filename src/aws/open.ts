import type { PawSettings } from '../workflow/settings.js';
import type { Workflow } from '../workflow/types.js';
import type { Cloud, CloudOptions } from './ports.js';
import { configuredTable } from './table.js';

/** What the user chose on the command line or in the app; it wins over workflow_param.json. */
export interface CloudChoice {
  sandbox: boolean;
  profile?: string;
  region?: string;
  /** `--table`. */
  table?: string;
  /** One-line facts said once: the table found, which credentials win. */
  onNote?: (line: string) => void;
}

/**
 * The cloud a workflow uses: the user's profile and region win over workflow_param.json; the
 * workflow's own keys are used when it has them. The table: `--table`, `PAW_TABLE`, paw-tui.json,
 * workflow_param.json, else found in the account (SPEC §4). Two equal results open the same cloud.
 */
export function cloudOptionsFor(choice: CloudChoice, workflow: Workflow, settings: PawSettings = {}): CloudOptions {
  const p = workflow.param;
  return {
    sandbox: choice.sandbox,
    workflowDir: workflow.dir,
    region: choice.region ?? p.region_name ?? null,
    profile: choice.profile ?? p.profile_name ?? null,
    credentials:
      p.aws_access_key_id && p.aws_secret_access_key
        ? { accessKeyId: p.aws_access_key_id, secretAccessKey: p.aws_secret_access_key, sessionToken: p.aws_session_token }
        : null,
    table: configuredTable({ flag: choice.table, env: process.env.PAW_TABLE, settings: settings.table, params: p.dynamodb_table_name }),
    workflowId: p.workflow_id,
    onNote: choice.onNote,
  };
}

/** Opens the cloud for a workflow, for the subcommands and the app alike. */
export async function openCloudFor(choice: CloudChoice, workflow: Workflow): Promise<Cloud> {
  const { readSettings } = await import('../workflow/settings.js');
  return openCloud(cloudOptionsFor(choice, workflow, await readSettings(workflow.dir)));
}

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

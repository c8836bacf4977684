import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The shared config file the AWS SDKs and CLI read (`AWS_CONFIG_FILE` honoured). */
export function awsConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_CONFIG_FILE || path.join(os.homedir(), '.aws', 'config');
}

/**
 * The `region` of a profile in the shared config file, as boto3 and the SDKs read it
 * (`[default]`, `[profile NAME]`); null when the file, the profile or its region is missing.
 */
export function profileRegion(profile: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let text: string;
  try {
    text = readFileSync(awsConfigFile(env), 'utf8');
  } catch {
    return null;
  }
  const wanted = profile === 'default' ? ['default', 'profile default'] : [`profile ${profile}`];
  let inProfile = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([^\]]*?)\s*\]/.exec(line);
    if (section) {
      inProfile = wanted.includes((section[1] ?? '').replace(/\s+/g, ' '));
      continue;
    }
    if (!inProfile || /^\s/.test(raw)) continue;
    const kv = /^region\s*=\s*(.*?)\s*$/.exec(line);
    if (kv && kv[1]) return kv[1];
  }
  return null;
}

export interface RegionSources {
  /** `--region`, else `region_name` of workflow_param.json. */
  explicit?: string | null;
  /** `--profile`, else `profile_name` of workflow_param.json. */
  profile?: string | null;
}

/**
 * The region as the Python library's boto3 session finds it: the one given, the environment,
 * then the profile's region in the shared config file.
 */
export function resolveRegion(sources: RegionSources, env: NodeJS.ProcessEnv = process.env): string | null {
  return sources.explicit || env.AWS_REGION || env.AWS_DEFAULT_REGION || profileRegion(sources.profile || env.AWS_PROFILE || 'default', env) || null;
}

export interface Identity {
  profile?: string | null;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | null } | null;
  region: string;
}

/**
 * What Packer (a child process) needs in its environment to act as the identity paw-tui
 * checked. Packer prefers keys in the environment to a profile, so a profile removes them.
 * An undefined value removes the variable.
 */
export function childAwsEnv(identity: Identity, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { AWS_REGION: identity.region, AWS_DEFAULT_REGION: identity.region };
  if (identity.credentials) {
    out.AWS_ACCESS_KEY_ID = identity.credentials.accessKeyId;
    out.AWS_SECRET_ACCESS_KEY = identity.credentials.secretAccessKey;
    out.AWS_SESSION_TOKEN = identity.credentials.sessionToken || undefined;
    out.AWS_PROFILE = undefined;
    out.AWS_DEFAULT_PROFILE = undefined;
    return out;
  }
  const profile = identity.profile || env.AWS_PROFILE;
  if (profile) {
    out.AWS_PROFILE = profile;
    out.AWS_ACCESS_KEY_ID = undefined;
    out.AWS_SECRET_ACCESS_KEY = undefined;
    out.AWS_SESSION_TOKEN = undefined;
  }
  return out;
}

/** The one line that says which credentials win when a profile and keys in the environment both exist. */
export function credentialsConflict(identity: Omit<Identity, 'region'>, env: NodeJS.ProcessEnv = process.env): string | null {
  if (identity.credentials || !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)) return null;
  if (identity.profile) {
    return `using the profile ${identity.profile} (workflow_param.json or --profile); AWS_ACCESS_KEY_ID in the environment is ignored, by Packer too`;
  }
  if (env.AWS_PROFILE) return `using AWS_PROFILE=${env.AWS_PROFILE}; AWS_ACCESS_KEY_ID in the environment is ignored, by Packer too`;
  return null;
}

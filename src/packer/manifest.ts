import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { AmiImage, Cloud } from '../aws/ports.js';
import { InterruptedError, PawError } from '../errors.js';
import { pollUntil, type WaitOptions } from '../wait.js';
import type { CreatedAmi } from './output.js';
import { formatDuration } from '../duration.js';

/** Where the step1 scaffold's manifest post-processor writes (relative to the step folder). */
export function manifestPath(stepDir: string): string {
  return path.join(stepDir, '.paw', 'manifest.json');
}

const manifestSchema = z.object({
  builds: z.array(
    z.object({
      name: z.string(),
      builder_type: z.string().optional(),
      artifact_id: z.string().nullable().optional(),
      packer_run_uuid: z.string().optional(),
    }),
  ),
  last_run_uuid: z.string().optional(),
});

export interface ManifestBuild {
  name: string;
  builderType?: string;
  artifactId: string;
  /** `region:ami-…` pairs of the artifact id (amazon builders). */
  amis: CreatedAmi[];
}

/** `us-east-1:ami-0a,eu-west-1:ami-0b` → the AMIs by region. */
export function amisOfArtifact(artifactId: string): CreatedAmi[] {
  const amis: CreatedAmi[] = [];
  for (const part of artifactId.split(',')) {
    const m = /^\s*([a-z]{2}(?:-[a-z]+)+-\d+):(ami-[0-9a-f]{8,17})\s*$/.exec(part);
    if (m) amis.push({ region: m[1]!, amiId: m[2]! });
  }
  return amis;
}

/**
 * The builds of the last run recorded in a Packer manifest (the post-processor appends every
 * run to the same file), or null when there is no manifest.
 */
export async function readManifest(file: string): Promise<ManifestBuild[] | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new PawError(`cannot read the Packer manifest ${file}: ${(e as Error).message}`);
  }
  let parsed;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(text));
  } catch (e) {
    throw new PawError(`the Packer manifest ${file} is not JSON: ${(e as Error).message}`);
  }
  if (!parsed.success) throw new PawError(`the Packer manifest ${file} is not a manifest: ${parsed.error.issues[0]?.message}`);
  const { builds, last_run_uuid } = parsed.data;
  return builds
    .filter((b) => !last_run_uuid || !b.packer_run_uuid || b.packer_run_uuid === last_run_uuid)
    .map((b) => ({
      name: b.name,
      builderType: b.builder_type,
      artifactId: b.artifact_id ?? '',
      amis: amisOfArtifact(b.artifact_id ?? ''),
    }));
}

export interface AmiSource {
  amiId: string;
  /** Where the id was found, for the user: `manifest`, `output` or `name`. */
  from: 'manifest' | 'output' | 'name';
}

/**
 * The new AMI of a run (SPEC §3): the manifest, else the `AMIs were created:` lines of the
 * output, else this account's AMI with the output name. Null when none of them has it.
 */
export async function amiIdFromRun(input: { cloud: Cloud; manifestFile: string; outputAmis: CreatedAmi[]; outputAmiName: string }): Promise<AmiSource | null> {
  const { cloud } = input;
  const inRegion = (amis: CreatedAmi[]) => amis.find((a) => a.region === cloud.region) ?? amis.find((a) => a.region) ?? amis[0];
  const manifest = await readManifest(input.manifestFile);
  const fromManifest = manifest && inRegion(manifest.flatMap((b) => b.amis));
  if (fromManifest) return { amiId: fromManifest.amiId, from: 'manifest' };
  const fromOutput = inRegion(input.outputAmis);
  if (fromOutput) return { amiId: fromOutput.amiId, from: 'output' };
  const [named] = await cloud.images.findOwnedByName(input.outputAmiName);
  if (named) return { amiId: named.id, from: 'name' };
  return null;
}

export interface AmiWaitOptions extends WaitOptions {
  /** Give up after this long while the AMI stays pending. */
  limitMs?: number;
  /** Told of every wait (state and time so far), for the user. */
  onWait?: (state: string, elapsedMs: number) => void;
}

/** Checks the AMI in EC2: it must exist and become `available` (waiting while it is pending). */
export async function waitForAvailableAmi(cloud: Cloud, amiId: string, options: AmiWaitOptions = {}): Promise<AmiImage> {
  const limitMs = options.limitMs ?? 30 * 60_000;
  const started = Date.now();
  let state = 'pending';
  const recordLater = `record it once EC2 shows it available: paw-tui record <step> --ami ${amiId}`;
  return pollUntil(
    async () => {
      const [image] = await cloud.images.describe([amiId]);
      if (!image) {
        throw new PawError(`Packer reported AMI ${amiId}, but it does not exist in ${cloud.region}`, {
          hint: 'check the region of the template and of this workflow (region_name, --region)',
        });
      }
      if (image.state === 'available') return image;
      state = image.state;
      if (image.state !== 'pending') {
        throw new PawError(`the new AMI ${amiId} is ${image.state}, not available`, {
          hint: 'look at the AMI in the EC2 console for the reason, then build again',
        });
      }
      const elapsed = Date.now() - started;
      if (elapsed >= limitMs) {
        throw new PawError(`the new AMI ${amiId} is still pending after ${formatDuration(elapsed)}`, { hint: recordLater });
      }
      options.onWait?.(image.state, elapsed);
      return undefined;
    },
    { firstIntervalMs: 5_000, maxIntervalMs: 5_000, ...options },
    () => new InterruptedError(`stopped waiting for the new AMI ${amiId} (${state})`, recordLater),
  );
}

import type { CatalogItem, Cloud } from '../aws/ports.js';
import { errorLine } from '../errors.js';
import { readJournal, type ManualJournal } from '../manual/journal.js';
import type { Step, Workflow } from '../workflow/types.js';
import { buildPlan, type BuildPlan } from './plan.js';
import { listRuns, runCloudName, type RunRecord } from './runs.js';

/** What the step view shows: where the step starts from, what it built, how its runs went. */
export interface StepFacts {
  plan: BuildPlan;
  /** The catalog's record of the step's AMI, and what EC2 says of that AMI now. */
  built: { item: CatalogItem; state: string } | null;
  catalogError: string | null;
  runs: RunRecord[];
  manual: ManualJournal | null;
  /** What EC2 says of the image a finished manual path made ('gone from EC2' once deregistered). */
  manualImageState: string | null;
}

export async function stepFacts(cloud: Cloud, workflow: Workflow, step: Step): Promise<StepFacts> {
  const [plan, built, runs, manual] = await Promise.all([
    buildPlan(cloud, workflow, step),
    (async () => {
      const item = await cloud.catalog.get(workflow.param.workflow_id, step.id);
      if (!item) return null;
      const [image] = await cloud.images.describe([item.ami_id]);
      return { item, state: image?.state ?? 'gone from EC2' };
    })().catch((e: unknown) => ({ error: errorLine(e) })),
    runCloudName(cloud).then((name) => listRuns(step, name)),
    step.manual ? readJournal(step).catch(() => null) : Promise.resolve(null),
  ]);
  const manualImage = manual?.state === 'done' ? manual.imageId : null;
  const manualImageState = !manualImage
    ? null
    : built && 'item' in built && built.item.ami_id === manualImage
      ? built.state
      : await cloud.images.describe([manualImage]).then(
          ([image]) => image?.state ?? 'gone from EC2',
          () => null,
        );
  return {
    plan,
    built: built && 'item' in built ? built : null,
    catalogError: built && 'error' in built ? built.error : null,
    runs,
    manual,
    manualImageState,
  };
}

/** How long a run took (or has run so far), from its journal. */
export function runDurationMs(run: RunRecord): number {
  return Math.max(0, Date.parse(run.updatedAt) - Date.parse(run.startedAt));
}

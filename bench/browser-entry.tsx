// AMI browser (SPEC §10): the AMIs screen over a sandbox holding `count` catalog items of the
// workflow, each an AMI in the sandbox's EC2, rendered by Ink to a recorded stdout. Measures the
// time from opening the screen to the first frame with every row loaded, and from each filter
// keystroke to the frame that shows its result.
// Usage: node <bundle> seed <workflow copy> <count>
//        node <bundle> measure <workflow copy> <count> <keystrokes>
// `measure` prints one JSON line: { firstFrameMs, loadedMs, keystrokes: number[] }.
import { render } from 'ink';
import type { CatalogItem } from '../src/aws/ports.js';
import { BuildJobs } from '../src/packer/build-jobs.js';
import { openSandboxCloud } from '../src/sandbox/cloud.js';
import { registerImage } from '../src/sandbox/ec2.js';
import { SandboxStore, sandboxStatePath } from '../src/sandbox/state.js';
import type { AppContext } from '../src/ui/context.js';
import { AmisScreen } from '../src/ui/screens/AmisScreen.js';
import { loadWorkflow } from '../src/workflow/load.js';
import { fakeKeyboard, fakeScreen, plain, type DrawnFrame } from './ink-io.js';

const [mode, workflowDir, countArg, keystrokesArg] = process.argv.slice(2) as [string, string, string, string?];
const count = Number(countArg);
const COLUMNS = 120;
const ROWS = 40;
const BACKSPACE = '\x7f';

const workflow = await loadWorkflow(workflowDir);
const cloud = await openSandboxCloud({ sandbox: true, workflowDir: workflow.dir, table: null, region: workflow.param.region_name });
const workflowId = workflow.param.workflow_id;
const stepId = (i: number) => `step-${String(i).padStart(5, '0')}`;

async function seed(): Promise<void> {
  const store = new SandboxStore(sandboxStatePath(workflow.dir));
  const ids = await store.update((s) =>
    Array.from({ length: count }, (_, i) =>
      registerImage(s, {
        name: `${workflow.param.root_base_ami_name}/${workflowId}/${stepId(i)}`,
        description: 'bench',
        instanceId: 'i-none',
        tags: { 'paw:workflow_id': workflowId, 'paw:step_id': stepId(i) },
        readyInMs: 0,
      }),
    ),
  );
  if (!(await cloud.catalog.tableExists())) await cloud.catalog.createTable();
  let next = 0;
  const put = async () => {
    while (next < ids.length) {
      const i = next++;
      const item: CatalogItem = {
        workflow_id: workflowId,
        step_id: stepId(i),
        ami_id: ids[i]!,
        ami_name: `${workflow.param.root_base_ami_name}/${workflowId}/${stepId(i)}`,
        create_at: '2024-06-13T12:00:00.000000+0000',
        aws_console_url: `https://console.aws.amazon.com/ec2/home?region=us-east-1#ImageDetails:imageId=${ids[i]}`,
        base_ami_id: workflow.param.root_base_ami_id,
        base_ami_name: workflow.param.root_base_ami_name,
        root_base_ami_id: workflow.param.root_base_ami_id,
        root_base_ami_name: workflow.param.root_base_ami_name,
        details: '{}',
        metadata: '{}',
        build_method: 'packer',
      };
      await cloud.catalog.put(item);
    }
  };
  await Promise.all(Array.from({ length: 16 }, put));
}

async function measure(keystrokes: number): Promise<void> {
  const frames: DrawnFrame[] = [];
  let waiter: { test: (text: string) => boolean; resolve: (f: DrawnFrame) => void } | null = null;
  const screen = fakeScreen(COLUMNS, ROWS, (f) => {
    frames.push(f);
    if (process.env.PAW_BENCH_DEBUG) process.stderr.write(`--- frame ${frames.length}\n${plain(f.raw).split('\n').slice(0, 3).join('\n')}\n`);
    if (waiter && waiter.test(plain(f.raw))) {
      const w = waiter;
      waiter = null;
      w.resolve(f);
    }
  });
  const nextFrame = (test: (text: string) => boolean, what: string) =>
    new Promise<DrawnFrame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame with ${what} within 60 s; last: ${plain(frames.at(-1)?.raw ?? '').slice(0, 300)}`)), 60_000);
      waiter = { test, resolve: (f) => (clearTimeout(timer), resolve(f)) };
    });
  const keyboard = fakeKeyboard();
  const noop = () => {};
  const ctx: AppContext = {
    workflow,
    cloud,
    options: { workflow: workflow.dir, sandbox: true },
    builds: new BuildJobs(),
    columns: COLUMNS,
    bodyRows: ROWS - 4,
    reload: async () => {},
    navigate: noop,
    back: noop,
    showError: (e) => process.stderr.write(`screen error: ${String(e)}\n`),
    clearError: noop,
    notify: noop,
    captureKeys: noop,
    captureAllKeys: noop,
    setBackHandler: noop,
    setInterruptHandler: noop,
    setHints: noop,
    suspend: (work) => work(),
  };

  const start = Date.now();
  const loaded = nextFrame((t) => t.includes(`of ${count} AMIs`), `"of ${count} AMIs"`);
  const app = render(<AmisScreen ctx={ctx} />, { stdout: screen, stdin: keyboard, exitOnCtrlC: false, patchConsole: false });
  const loadedFrame = await loaded;
  const firstFrameMs = frames[0]!.t - start;
  const loadedMs = loadedFrame.t - start;

  const pause = () => new Promise((r) => setTimeout(r, 60));
  await pause();
  const opened = nextFrame((t) => /^Filter:/m.test(t), 'the filter field');
  keyboard.write('/');
  await opened;

  // Type a query that narrows the rows, then take it back, as someone hunting for a step does.
  const query = 'step-012';
  const keys: string[] = [];
  while (keys.length < keystrokes) keys.push(...query, ...Array.from(query, () => BACKSPACE));
  const times: number[] = [];
  let text = '';
  for (const key of keys.slice(0, keystrokes)) {
    await pause();
    text = key === BACKSPACE ? text.slice(0, -1) : text + key;
    const expected = new RegExp(`^Filter: ?${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm');
    const shown = nextFrame((t) => expected.test(t), `filter "${text}"`);
    const sent = Date.now();
    keyboard.write(key);
    times.push((await shown).t - sent);
  }
  app.unmount();
  process.stdout.write(JSON.stringify({ firstFrameMs, loadedMs, keystrokes: times }) + '\n');
}

try {
  if (mode === 'seed') await seed();
  else await measure(Number(keystrokesArg));
} finally {
  await cloud.close();
}
process.exit(0);

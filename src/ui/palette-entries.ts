import type { Step } from '../workflow/types.js';
import type { PaletteEntry } from './components/CommandPalette.js';
import type { Route } from './context.js';

/** What `:` can reach: every screen, each step's view (and manual guide), and the app's actions. */
export function paletteEntries(app: {
  steps: readonly Step[];
  open: (route: Route) => void;
  home: () => void;
  refresh: () => void;
  keys: () => void;
}): PaletteEntry[] {
  const { open } = app;
  return [
    { label: 'home', detail: 'the chain of steps', run: app.home },
    { label: 'AMIs', detail: 'browse and delete the AMIs of this workflow', run: () => open({ screen: 'amis' }) },
    { label: 'base AMI', detail: 'pick the root base AMI', run: () => open({ screen: 'base-ami' }) },
    { label: 'params', detail: 'edit the workflow and step params', run: () => open({ screen: 'params' }) },
    { label: 'new step', detail: 'create a step after the last one', run: () => open({ screen: 'new-step' }) },
    ...app.steps.flatMap((s): PaletteEntry[] => [
      { label: `step ${s.id}`, detail: 'its view: facts, runs, build', run: () => open({ screen: 'step', stepId: s.id }) },
      ...(s.manual ? [{ label: `manual ${s.id}`, detail: 'the guided manual build', run: () => open({ screen: 'manual', stepId: s.id }) }] : []),
    ]),
    { label: 'refresh', detail: 'read the workflow and the cloud again', run: app.refresh },
    { label: 'keys', detail: 'every key of this screen', run: app.keys },
  ];
}

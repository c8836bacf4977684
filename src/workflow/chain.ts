import { PawError } from '../errors.js';
import { displayPath } from './jsonc.js';
import type { Step } from './types.js';

function where(step: Step): string {
  return displayPath(step.paramPath);
}

/**
 * Puts the steps in chain order (first step first) or says exactly what is wrong with the
 * chain, naming the files: two steps with one id, a previous id that is no step, two steps
 * after the same one (a fork), no first step, a cycle.
 */
export function orderChain(steps: Step[]): Step[] {
  const byId = new Map<string, Step>();
  for (const step of steps) {
    const other = byId.get(step.id);
    if (other) {
      throw new PawError(`two steps have the id "${step.id}": ${where(other)} and ${where(step)}`, {
        hint: 'give each step its own step_id',
      });
    }
    byId.set(step.id, step);
  }
  const known = [...byId.keys()].join(', ');
  for (const step of steps) {
    if (step.previousId !== null && !byId.has(step.previousId)) {
      throw new PawError(`${where(step)}: previous_step_id "${step.previousId}" is not a step of this workflow`, {
        hint: `known steps: ${known}`,
      });
    }
  }
  const firsts = steps.filter((s) => s.previousId === null);
  if (firsts.length > 1) {
    throw new PawError(`more than one first step (previous_step_id null): ${firsts.map(where).join(', ')}`, {
      hint: 'the steps form one chain; set previous_step_id on all but the first',
    });
  }
  const next = new Map<string, Step>();
  for (const step of steps) {
    if (step.previousId === null) continue;
    const other = next.get(step.previousId);
    if (other) {
      throw new PawError(`steps "${other.id}" (${where(other)}) and "${step.id}" (${where(step)}) both follow "${step.previousId}"`, {
        hint: 'the steps form one chain: point one of them at another previous_step_id',
      });
    }
    next.set(step.previousId, step);
  }
  const ordered: Step[] = [];
  for (let s: Step | undefined = firsts[0]; s; s = next.get(s.id)) ordered.push(s);
  if (ordered.length < steps.length) {
    const seen = new Set(ordered);
    throw cycleError(steps.find((s) => !seen.has(s))!, byId);
  }
  return ordered;
}

function cycleError(start: Step, byId: Map<string, Step>): PawError {
  const path: Step[] = [];
  let s: Step = start;
  while (!path.includes(s)) {
    path.push(s);
    s = byId.get(s.previousId!)!;
  }
  const loop = path.slice(path.indexOf(s)).reverse();
  const ids = [...loop, loop[0]!].map((x) => x.id).join(' → ');
  return new PawError(`the steps form a cycle: ${ids} (${loop.map(where).join(', ')})`, {
    hint: 'the first step has "previous_step_id": null',
  });
}

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
  // Every step has a place but the chain from the first stops short: the rest go round a cycle.
  const seen = new Set(ordered);
  const outside = steps.find((s) => !seen.has(s));
  if (outside) throw cycleError(outside, byId);
  return ordered;
}

function cycleError(start: Step, byId: Map<string, Step>): PawError {
  // Walked back from a step off the chain: every step has a known previous one, so it meets itself.
  const path: Step[] = [];
  let s: Step | undefined = start;
  while (s && !path.includes(s)) {
    path.push(s);
    s = s.previousId === null ? undefined : byId.get(s.previousId);
  }
  const loop = path.slice(s ? path.indexOf(s) : 0).reverse();
  const ids = [...loop, ...loop.slice(0, 1)].map((x) => x.id).join(' → ');
  return new PawError(`the steps form a cycle: ${ids} (${loop.map(where).join(', ')})`, {
    hint: 'the first step has "previous_step_id": null',
  });
}

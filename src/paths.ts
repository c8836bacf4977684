import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PawError } from './errors.js';

let root: string | undefined;

/**
 * The folder of paw-tui's own package.json. Found by walking up from this module, because the
 * module runs both from src/ (tests) and from a bundled chunk in dist/ (the installed CLI).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && isPawPackage(manifest)) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`paw-tui's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

function isPawPackage(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'paw-tui';
  } catch {
    return false;
  }
}

/** Step scaffolds (`step1`, `manual`) that `step new` copies. */
export function scaffoldsDir(): string {
  return path.join(packageRoot(), 'scaffolds');
}

/** The nunjucks templates paw-tui writes new files from (init's workflow_param.json, README, .gitignore). */
export function templatesDir(): string {
  return path.join(packageRoot(), 'templates');
}

/** The bundled example workflow used by the quick start. */
export function exampleWorkflowDir(): string {
  return path.join(packageRoot(), 'workflow');
}

/**
 * A path under a folder's `.paw/` (`pawPath(step.dir, 'logs', file)`), refused when the parts
 * would lead out of it (`..`, an absolute part, a separator in a name read from outside).
 */
export function pawPath(base: string, ...parts: string[]): string {
  const root = path.resolve(base, '.paw');
  const target = path.resolve(root, ...parts);
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new PawError(`refusing a path outside ${root}: ${parts.join('/')}`, {
      hint: "names used in paths may hold letters, digits, '-', '_' and '.', never '/' or '..'",
    });
  }
  return target;
}

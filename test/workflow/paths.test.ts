import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleWorkflowDir, packageRoot, scaffoldsDir, templatesDir } from '../../src/paths.js';

describe('package paths', () => {
  it('finds the package root and its shipped folders', () => {
    const root = packageRoot();
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name).toBe('paw-tui');
    expect(existsSync(scaffoldsDir())).toBe(true);
    expect(existsSync(templatesDir())).toBe(true);
    expect(existsSync(exampleWorkflowDir())).toBe(true);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../src/errors.js';
import { exampleWorkflowDir, packageRoot, pawPath, scaffoldsDir, templatesDir } from '../../src/paths.js';

describe('package paths', () => {
  it('finds the package root and its shipped folders', () => {
    const root = packageRoot();
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name).toBe('paw-tui');
    expect(existsSync(scaffoldsDir())).toBe(true);
    expect(existsSync(templatesDir())).toBe(true);
    expect(existsSync(exampleWorkflowDir())).toBe(true);
  });
});

describe('pawPath', () => {
  it('builds paths under .paw/ and refuses any that lead out of it', () => {
    expect(pawPath('/w/step', 'logs', 'a.log')).toBe('/w/step/.paw/logs/a.log');
    expect(pawPath('/w/step', 'x..y.pem')).toBe('/w/step/.paw/x..y.pem');
    for (const parts of [['../x.pem'], ['logs', '../../x'], ['/etc/passwd'], ['a/../../b']]) {
      expect(() => pawPath('/w/step', ...parts), parts.join('/')).toThrow();
    }
    let line = '';
    try {
      pawPath('/w/step', '../../x.pem');
    } catch (e) {
      line = errorLine(e);
    }
    expect(line).toBe(`refusing a path outside /w/step/.paw: ../../x.pem — names used in paths may hold letters, digits, '-', '_' and '.', never '/' or '..'`);
  });
});

import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/*
 * The import boundaries of the architecture are the linter's: the core (workflow, packer, aws,
 * manual, sandbox) never imports Ink, React, the screen or the subcommands; the screen never
 * imports the subcommands. These lint a probe file placed in each folder with the project's
 * own configuration, as `npm run lint` would.
 */
const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  // Only the boundary rule: the probe is not part of the type-checked program.
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('import boundaries', () => {
  const core = ['workflow', 'packer', 'aws', 'manual', 'sandbox'];

  it.each(core)('a file under src/%s that imports ink fails lint', async (folder) => {
    const errors = await boundaryErrors(`src/${folder}/probe.ts`, "import { Box } from 'ink';\nexport const probe = Box;\n");
    expect(errors).toEqual([expect.stringMatching(/^no-restricted-imports: .*must not import Ink or React/)]);
  });

  it('the core may not import react, the screen or the subcommands', async () => {
    const errors = await boundaryErrors(
      'src/aws/probe.ts',
      [
        "import { useState } from 'react';",
        "import { tone } from '../ui/theme.js';",
        "import { globalOptions } from '../commands/context.js';",
        'export const probe = [useState, tone, globalOptions];',
      ].join('\n'),
    );
    expect(errors).toHaveLength(3);
  });

  it('the screen may not import the subcommands', async () => {
    const errors = await boundaryErrors(
      'src/ui/hooks/probe.ts',
      "import { globalOptions } from '../../commands/context.js';\nexport const probe = globalOptions;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/^no-restricted-imports: .*must not import the subcommands/)]);
  });

  it('core files importing the core, and screens importing ink, pass', async () => {
    expect(await boundaryErrors('src/workflow/probe.ts', "import type { Cloud } from '../aws/ports.js';\nexport type Probe = Cloud;\n")).toEqual([]);
    expect(await boundaryErrors('src/ui/probe.tsx', "import { Box } from 'ink';\nexport const probe = Box;\n")).toEqual([]);
  });
});

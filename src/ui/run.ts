export interface AppOptions {
  workflow: string;
  sandbox: boolean;
  profile?: string;
  region?: string;
}

export async function runApp(_opts: AppOptions): Promise<number> {
  process.stderr.write('paw-tui: the full-screen app is not built yet — use a subcommand (paw-tui --help)\n');
  return 1;
}

import { Box, Text, render } from 'ink';
import { useState, useEffect } from 'react';
import { fakeKeyboard, fakeScreen } from './ink-io.js';
const line = (i: number) => [
  { text: `    amazon-ebs.ubuntu: Get:${i} jammy-updates/main libc6 2.35-0ubuntu3.8 [3235 kB] [t=1795431018661]`, fg: '#00cd00' },
];
const mode = process.argv[2];
let frames = 0; let inkMs = 0;
function Pane() {
  const [n, set] = useState(0);
  useEffect(() => { if (n < 100) setTimeout(() => set(n + 1), 0); else { console.error(mode, 'ink ms/frame', (inkMs / frames).toFixed(1), 'wall ms/frame', ((Date.now() - t0) / 100).toFixed(1)); process.exit(0); } }, [n]);
  const lines = Array.from({ length: 30 }, (_, k) => line(n * 30 + k));
  return <Box flexDirection="column" width={120} height={31}>{lines.map((l, i) =>
    mode === 'plain' ? <Box key={i} height={1}><Text wrap="truncate">{l[0]!.text}</Text></Box>
    : mode === 'nobox' ? <Text key={i} wrap="truncate" color={l[0]!.fg}>{l[0]!.text}</Text>
    : mode === 'onetext' ? null
    : <Box key={i} height={1} width={120} overflow="hidden"><Text wrap="truncate" inverse={false}>{l.map((s, j) => <Text key={j} color={s.fg}>{s.text}</Text>)}</Text></Box>)}
    {mode === 'onetext' ? <Text>{lines.map((l) => `\x1b[32m${l[0]!.text}\x1b[39m`).join('\n')}</Text> : null}
  </Box>;
}
const t0 = Date.now();
render(<Pane />, { stdout: fakeScreen(120, 40, () => frames++), stdin: fakeKeyboard(), patchConsole: false, exitOnCtrlC: false, maxFps: 1000, onRender: ({ renderTime }) => (inkMs += renderTime) });

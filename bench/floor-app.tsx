// The start-up floor of SPEC §10: the smallest Ink app, bundled as paw-tui is. It draws one line
// and exits; paw-tui's home screen is measured against the time it takes to show that line.
import { render, Text } from 'ink';

const app = render(<Text>paw-bench floor: one line</Text>, { exitOnCtrlC: false, patchConsole: false });
app.unmount();

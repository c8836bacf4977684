// What the app's first frame needs, as one module: Ink, the app and its key dispatch load
// together (run.ts loads this while the environment says "not CI", see asAtTerminal).
export { render } from 'ink';
export { App } from './app.js';
export { KeyDispatch } from './hooks/useKeys.js';

import { Box, Text } from 'ink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cutMiddle, NOTICE_MS, StatusLine, useStatusLine } from '../../src/ui/components/StatusLine.js';
import { KeyDispatch, useKeys } from '../../src/ui/hooks/useKeys.js';
import { keys, renderText, waitFor } from './fixtures.js';

/** A screen with one status line: s saves (a notice), e fails (an error), any other key does nothing. */
function Screen() {
  const status = useStatusLine();
  useKeys((input) => {
    if (input === 's') status.notify('saved the all pane to /tmp/work/very/long/folder/of/the/workflow/s01-base/.paw/logs/base.log');
    else if (input === 'e') status.showError('cannot write the log — free some disk space');
  });
  return (
    <Box flexDirection="column">
      <Text>body</Text>
      <StatusLine message={status.message} width={60} />
    </Box>
  );
}

function draw() {
  return renderText(
    <KeyDispatch>
      <Screen />
    </KeyDispatch>,
  );
}

afterEach(() => vi.useRealTimers());

describe('status line', () => {
  it('shows one message at a time, and the next key clears it', async () => {
    const { lastFrame, stdin } = draw();
    stdin.write('s');
    await waitFor(() => expect(lastFrame()).toContain('saved the all pane'));
    // The file name survives the cut: the middle of the path goes.
    expect(lastFrame()).toMatch(/saved the all pane to \/tmp.*….*base\.log/);
    expect(lastFrame()!.split('\n')[1]!.length).toBeLessThanOrEqual(60);
    stdin.write('e');
    await waitFor(() => expect(lastFrame()).toContain('✖ cannot write the log'));
    expect(lastFrame()).not.toContain('saved');
    stdin.write('x');
    await waitFor(() => expect(lastFrame()).not.toContain('cannot write'));
    expect(lastFrame()!.trim()).toBe('body');
  });

  it('a notice goes by itself after a while; an error stays until a key', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lastFrame, stdin } = draw();
    stdin.write('s');
    await vi.waitFor(() => expect(lastFrame()).toContain('saved the all pane'));
    await vi.advanceTimersByTimeAsync(NOTICE_MS - 100);
    expect(lastFrame()).toContain('saved the all pane');
    await vi.advanceTimersByTimeAsync(200);
    await vi.waitFor(() => expect(lastFrame()).not.toContain('saved'));
    stdin.write('e');
    await vi.waitFor(() => expect(lastFrame()).toContain('cannot write the log'));
    await vi.advanceTimersByTimeAsync(NOTICE_MS * 3);
    expect(lastFrame()).toContain('cannot write the log');
    stdin.write(keys.down);
    await vi.waitFor(() => expect(lastFrame()).not.toContain('cannot write the log'));
  });

  it('cuts in the middle, by cells', () => {
    expect(cutMiddle('short', 10)).toBe('short');
    expect(cutMiddle('/tmp/a/very/long/path/to/file.log', 20)).toBe('/tmp/a/ver…/file.log');
    expect(cutMiddle('界界界界界界', 7)).toBe('界界…界');
  });
});

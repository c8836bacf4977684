import { Component, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { errorLine } from '../../errors.js';
import { tone } from '../theme.js';

/** A screen that throws while drawing shows the error's one line, not a stack trace. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <Box flexDirection="column">
        <Text color={tone('error')} wrap="truncate">
          ✖ This screen failed: {errorLine(this.state.error)}
        </Text>
        <Text>Esc goes back. Set PAW_DEBUG=1 and run the matching subcommand to see more.</Text>
      </Box>
    );
  }
}

import { useKeys } from '../hooks/useKeys.js';
import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeyCapture } from '../hooks/useKeyCapture.js';
import { tone } from '../theme.js';
import { TextField } from './TextField.js';

/**
 * A yes/no question: y answers yes; n or Esc answers no. Nothing happens on a stray Enter,
 * unless yes is the safe answer (`defaultYes`: interrupting a build before quitting).
 */
export function Confirm(props: {
  message: string;
  onAnswer: (yes: boolean) => void;
  defaultYes?: boolean;
  /** The app's own question, above any screen: the screen gets no keys until it is answered. */
  modal?: boolean;
}) {
  const { message, onAnswer, defaultYes = false } = props;
  useKeyCapture(true);
  useKeys(
    (input, key) => {
      if (input === 'y' || input === 'Y' || (defaultYes && key.return)) onAnswer(true);
      else if (input === 'n' || input === 'N' || key.escape) onAnswer(false);
    },
    { modal: props.modal },
  );
  return (
    <Box height={1}>
      <Text color={tone('warn')} wrap="truncate">
        {message} <Text bold>{defaultYes ? '[Y/n]' : '[y/n]'}</Text>
      </Text>
    </Box>
  );
}

/**
 * For what cannot be undone: the user types the exact text (an AMI id) and presses Enter.
 * Esc cancels.
 */
export function TypedConfirm(props: { message: string; expected: string; onConfirm: () => void; onCancel: () => void }) {
  const [value, setValue] = useState('');
  const [wrong, setWrong] = useState(false);
  return (
    <Box flexDirection="column">
      <Text color={tone('warn')} wrap="truncate">
        {props.message}
      </Text>
      <Box height={1}>
        <Text wrap="truncate">Type {props.expected} to confirm (Esc cancels): </Text>
        <TextField
          focused
          value={value}
          onChange={(v) => {
            setValue(v);
            setWrong(false);
          }}
          onSubmit={(v) => (v.trim() === props.expected ? props.onConfirm() : setWrong(true))}
          onCancel={props.onCancel}
        />
      </Box>
      {wrong ? <Text color={tone('error')}>That is not {props.expected} — type it exactly, or Esc to cancel.</Text> : null}
    </Box>
  );
}

import { useKeys } from '../hooks/useKeys.js';
import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeyCapture } from '../hooks/useKeyCapture.js';
import { isKey, keyMatches } from '../keys.js';
import { tone } from '../theme.js';
import { TextField } from './TextField.js';

/**
 * A yes/no question: y answers yes; n or Esc answers no. Nothing happens on a stray Enter,
 * unless yes is the safe answer (`defaultYes`: interrupting a build before quitting). The
 * choices come first, so a narrow terminal cuts the end of the question, never the way to answer.
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
      if (isKey('yes', input, key) || keyMatches('Y', input, key) || (defaultYes && isKey('open', input, key))) onAnswer(true);
      else if (isKey('no', input, key) || keyMatches('N', input, key) || isKey('back', input, key)) onAnswer(false);
    },
    { modal: props.modal },
  );
  return (
    <Box height={1}>
      <Text color={tone('warn')} wrap="truncate">
        <Text bold>{defaultYes ? '[Y/n]' : '[y/n]'}</Text> {message}
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

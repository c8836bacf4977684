import { useKeys } from '../hooks/useKeys.js';
import { Text } from 'ink';
import { useRef } from 'react';
import { useKeyCapture } from '../hooks/useKeyCapture.js';

/**
 * One line of text input. While focused it takes every printable key (the app's own single
 * keys wait), Enter submits, Esc cancels.
 */
export function TextField(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmit?: (value: string) => void;
  onCancel?: () => void;
  focused: boolean;
  placeholder?: string;
  mask?: boolean;
}) {
  const { value, onChange, onSubmit, onCancel, focused } = props;
  useKeyCapture(focused);
  // Keys can arrive faster than React draws: each one edits the newest text, not the drawn one.
  const latest = useRef(value);
  latest.current = value;
  const change = (next: string) => {
    latest.current = next;
    onChange(next);
  };
  useKeys(
    (input, key) => {
      if (key.return) onSubmit?.(latest.current);
      else if (key.escape) onCancel?.();
      else if (key.backspace || key.delete) change(latest.current.slice(0, -1));
      // Erasures typed quickly (or sent by a script) arrive as one chunk that Ink does not name.
      else if (/^[\x7f\b]+$/.test(input)) change(latest.current.slice(0, Math.max(0, latest.current.length - input.length)));
      else if (key.ctrl && input === 'u') change('');
      else if (!key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && input && !/[\x00-\x1f\x7f]/.test(input)) change(latest.current + input);
    },
    { isActive: focused },
  );
  const shown = props.mask ? '•'.repeat(value.length) : value;
  if (!shown && !focused && props.placeholder) return <Text dimColor>{props.placeholder}</Text>;
  return (
    <Text>
      {shown}
      {focused ? <Text inverse> </Text> : null}
    </Text>
  );
}

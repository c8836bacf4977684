import { Box, Text } from 'ink';
import { useState } from 'react';
import type { TableQuestion } from '../../aws/ports.js';
import { useKeyCapture } from '../hooks/useKeyCapture.js';
import { useKeys } from '../hooks/useKeys.js';
import { useListCursor } from '../hooks/useListCursor.js';
import { isKey } from '../keys.js';
import { tone } from '../theme.js';
import { Confirm } from './Confirm.js';

/** What the user decided: the table, and whether paw-tui.json should remember it. */
export interface TableAnswer {
  table: string;
  remember: boolean;
}

/**
 * The app's question when the catalog table cannot be decided: the choices first (↑/↓, Enter),
 * then whether to remember the choice in paw-tui.json next to workflow/. Esc chooses nothing.
 */
export function TableChooser(props: { question: TableQuestion; settingsFile: string; width: number; onAnswer: (answer: TableAnswer | null) => void }) {
  const { question, onAnswer } = props;
  const { cursor, handle } = useListCursor(question.candidates.length, 5);
  const [chosen, setChosen] = useState<string | null>(null);
  useKeyCapture(true);
  useKeys(
    (input, key) => {
      if (handle(input, key)) return;
      if (isKey('open', input, key)) setChosen(question.candidates[cursor] ?? null);
      else if (isKey('back', input, key)) onAnswer(null);
    },
    { modal: true, isActive: chosen === null },
  );
  const title =
    question.reason === 'several'
      ? `Several DynamoDB tables in ${question.where} have the Python library's keys. Which is this workflow's catalog?`
      : `No catalog table in ${question.where} yet. Which table should paw-tui use?`;
  return (
    <Box flexDirection="column" width={props.width}>
      {question.candidates.map((name, i) => (
        <Box key={name} height={1}>
          <Text wrap="truncate" inverse={i === cursor && chosen === null} bold={i === cursor}>
            {i === cursor ? '› ' : '  '}
            {name}
            {question.reason === 'none' ? <Text color={tone('muted')}> (new: created when the first AMI is recorded)</Text> : null}
          </Text>
        </Box>
      ))}
      <Text color={tone('muted')} wrap="wrap">
        {title}
      </Text>
      {chosen !== null ? (
        <Confirm
          modal
          message={`Remember ${chosen} in ${props.settingsFile} (shared through git)?`}
          onAnswer={(remember) => onAnswer({ table: chosen, remember })}
        />
      ) : null}
    </Box>
  );
}

import { Box, Text } from 'ink';
import { useState } from 'react';
import { INIT_QUESTIONS, initAnswers, type InitQuestionKey } from '../../workflow/init-questions.js';
import { TextField } from '../components/TextField.js';
import { useKeys } from '../hooks/useKeys.js';
import { isKey, keyMatches, keysLabel } from '../keys.js';
import { tone } from '../theme.js';

type FieldId = InitQuestionKey | 'firstStep';

/**
 * No workflow here yet: the questions of `paw-tui init`, in the app. Ctrl-S creates the folder
 * (workflow_param.json and a first step from the step1 scaffold) and the app opens it.
 */
export function InitScreen(props: { dir: string; region?: string; profile?: string; width: number; onCreated: () => void; onError: (e: unknown) => void }) {
  const order: FieldId[] = [...INIT_QUESTIONS.map((q) => q.key), 'firstStep'];
  const [values, setValues] = useState<Record<FieldId, string>>(() => ({
    ...(Object.fromEntries(INIT_QUESTIONS.map((q) => [q.key, q.choices?.[0] ?? ''])) as Record<InitQuestionKey, string>),
    firstStep: 'step1',
  }));
  const [focus, setFocus] = useState(0);
  const [creating, setCreating] = useState(false);
  const field = order[focus]!;
  const question = INIT_QUESTIONS.find((q) => q.key === field);
  const missing = order.filter((id) => !values[id].trim());

  const create = async () => {
    if (missing.length) return props.onError(`answer every question first (${missing.length} left)`);
    setCreating(true);
    try {
      const { initWorkflow } = await import('../../workflow/scaffold.js');
      await initWorkflow(
        props.dir,
        initAnswers(values, { regionName: props.region ?? null, profileName: props.profile ?? null, firstStep: { id: values.firstStep.trim() } }),
      );
      props.onCreated();
    } catch (e) {
      setCreating(false);
      props.onError(e);
    }
  };

  useKeys((input, key) => {
    if (creating) return;
    if (isKey('nextField', input, key) || keyMatches('down', input, key)) setFocus((f) => (f + 1) % order.length);
    else if (isKey('prevField', input, key) || keyMatches('up', input, key)) setFocus((f) => (f + order.length - 1) % order.length);
    else if (isKey('save', input, key)) void create();
    else if (question?.choices && isKey('change', input, key)) {
      const list = question.choices;
      const next = list[(list.indexOf(values[field]) + 1) % list.length]!;
      setValues((v) => ({ ...v, [field]: next }));
    } else if (question?.choices && isKey('open', input, key)) setFocus((f) => Math.min(order.length - 1, f + 1));
  });

  const label = (id: FieldId) => (id === 'firstStep' ? 'Id of the first step (from the step1 scaffold)' : INIT_QUESTIONS.find((q) => q.key === id)!.message);
  return (
    <Box flexDirection="column" width={props.width}>
      <Text bold wrap="truncate">
        No workflow at {props.dir} yet — create one here (as `paw-tui init` does)
      </Text>
      <Box height={1} />
      {order.map((id, i) => {
        const q = INIT_QUESTIONS.find((x) => x.key === id);
        const focused = i === focus && !creating;
        return (
          <Box key={id} height={1}>
            <Text wrap="truncate">
              <Text color={focused ? tone('accent') : undefined}>{focused ? '▸ ' : '  '}</Text>
              <Text color={tone('muted')}>{label(id)}: </Text>
            </Text>
            {q?.choices ? (
              <Text inverse={focused}>‹ {values[id]} ›</Text>
            ) : (
              <TextField
                focused={focused}
                value={values[id]}
                onChange={(v) => setValues((old) => ({ ...old, [id]: v }))}
                onSubmit={() => setFocus((f) => Math.min(order.length - 1, f + 1))}
              />
            )}
          </Box>
        );
      })}
      <Box height={1} />
      <Text color={tone('muted')} wrap="truncate">
        {creating
          ? 'creating…'
          : missing.length
            ? `${missing.length} question(s) left · ${keysLabel('nextField')}/↑/↓ move · ${keysLabel('save')} creates`
            : `${keysLabel('save')} creates ${props.dir}; pick the root base AMI after with ${keysLabel('baseAmi')}`}
      </Text>
    </Box>
  );
}

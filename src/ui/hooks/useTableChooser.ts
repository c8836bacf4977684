import { useCallback, useState } from 'react';
import type { ChooseTable, TableQuestion } from '../../aws/ports.js';
import type { TableAnswer } from '../components/TableChooser.js';

/**
 * The app's answer to "which catalog table?": the cloud asks through `chooseTable` (once, at its
 * first catalog read), the app shows `asking` until `answer` is called; a table to remember is
 * written to paw-tui.json next to workflow/ before the catalog opens it.
 */
export function useTableChooser(workflowDir: string, onError: (e: unknown) => void) {
  const [asking, setAsking] = useState<{
    question: TableQuestion;
    resolve: (table: string | null) => void;
  } | null>(null);
  const chooseTable = useCallback<ChooseTable>((question) => new Promise((resolve) => setAsking({ question, resolve })), []);
  const answer = useCallback(
    async (given: TableAnswer | null) => {
      if (!asking) return;
      setAsking(null);
      if (given?.remember) {
        const { writeTableSetting } = await import('../../workflow/settings.js');
        await writeTableSetting(workflowDir, given.table).catch(onError);
      }
      asking.resolve(given?.table ?? null);
    },
    [asking, workflowDir, onError],
  );
  return { chooseTable, asking: asking?.question ?? null, answer };
}

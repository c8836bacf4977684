import { useContext, useEffect } from 'react';
import { AppContextValue } from '../context.js';

/**
 * While `active`, the app leaves q, ? and Esc to the component (a text field); with `all`,
 * Ctrl-C too (a terminal pane being typed into). Outside an app (component tests) it does nothing.
 */
export function useKeyCapture(active: boolean, all = false): void {
  const ctx = useContext(AppContextValue);
  const capture = all ? ctx?.captureAllKeys : ctx?.captureKeys;
  useEffect(() => {
    if (!active || !capture) return;
    capture(true);
    return () => capture(false);
  }, [active, capture]);
}

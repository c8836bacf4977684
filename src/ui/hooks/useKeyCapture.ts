import { useContext, useEffect } from 'react';
import { AppContextValue } from '../context.js';

/**
 * While `active`, the app leaves q, ? and Esc to the component (a text field, a focused
 * terminal pane). Outside an app (component tests) it does nothing.
 */
export function useKeyCapture(active: boolean): void {
  const ctx = useContext(AppContextValue);
  const capture = ctx?.captureKeys;
  useEffect(() => {
    if (!active || !capture) return;
    capture(true);
    return () => capture(false);
  }, [active, capture]);
}

import { useInput, type Key } from 'ink';
import { createContext, createElement, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface KeyListener {
  handler: (input: string, key: Key) => void;
  active: boolean;
  /** While an active modal listener exists (the app's own question), only modal ones get keys. */
  modal: boolean;
}

const KeyListeners = createContext<Set<KeyListener> | null>(null);

/**
 * One subscription to the keyboard for the whole app, handing each key to the listeners that
 * are active at that moment. Ink's own useInput subscribes in a passive effect, so a key typed
 * right after a panel opens could reach the old owner or nobody; listeners here join during
 * the commit and their active flag follows each render.
 */
export function KeyDispatch({ children }: { children: ReactNode }) {
  const [listeners] = useState(() => new Set<KeyListener>());
  useInput((input, key) => {
    // Keys typed while the app was busy arrive as one chunk (`kb`): each is still its own key.
    const typed = !key.ctrl && !key.meta && input.length > 1 && /^[\x20-\x7e]+$/.test(input) ? [...input] : [input];
    for (const one of typed) {
      const active = [...listeners].filter((l) => l.active);
      const modal = active.filter((l) => l.modal);
      for (const l of modal.length ? modal : active) l.handler(one, key);
    }
  });
  return createElement(KeyListeners.Provider, { value: listeners }, children);
}

/** Keys for a component; `isActive: false` leaves them to others (a focused text field...). */
export function useKeys(handler: (input: string, key: Key) => void, options: { isActive?: boolean; modal?: boolean } = {}): void {
  const listeners = useContext(KeyListeners);
  const active = options.isActive ?? true;
  const entry = useRef<KeyListener>({ handler, active, modal: false });
  entry.current.handler = handler;
  entry.current.active = active;
  entry.current.modal = options.modal ?? false;
  useLayoutEffect(() => {
    if (!listeners) return;
    const l = entry.current;
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, [listeners]);
  // Outside KeyDispatch (a component drawn on its own), Ink's hook does the work.
  useInput((input, key) => entry.current.handler(input, key), { isActive: !listeners && active });
}

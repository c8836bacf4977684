import { useInput, type Key } from 'ink';
import { createContext, createElement, useCallback, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface KeyListener {
  handler: (input: string, key: Key) => void;
  active: boolean;
  /** While an active modal listener exists (the app's own question), only modal ones get keys. */
  modal: boolean;
}

const KeyListeners = createContext<Set<KeyListener> | null>(null);

/** Every key, whoever takes it: how many were given so far, and who watches them pass. */
interface KeyTraffic {
  count: number;
  watchers: Set<() => void>;
}
const Traffic = createContext<KeyTraffic | null>(null);

/**
 * One subscription to the keyboard for the whole app, handing each key to the listeners that
 * are active at that moment. Ink's own useInput subscribes in a passive effect, so a key typed
 * right after a panel opens could reach the old owner or nobody; listeners here join during
 * the commit and their active flag follows each render.
 */
export function KeyDispatch({ children }: { children: ReactNode }) {
  const [listeners] = useState(() => new Set<KeyListener>());
  const [traffic] = useState<KeyTraffic>(() => ({ count: 0, watchers: new Set() }));
  const [queue] = useState<[string, Key][]>(() => []);
  const give = useCallback(
    (one: string, key: Key) => {
      traffic.count++;
      for (const watch of traffic.watchers) watch();
      const active = [...listeners].filter((l) => l.active);
      const modal = active.filter((l) => l.modal);
      for (const l of modal.length ? modal : active) l.handler(one, key);
    },
    [listeners, traffic],
  );
  // One key per commit: the screen has drawn what the previous key did (its cursor, its
  // question) before the next one is given, as if each had been typed on its own.
  const [turn, setTurn] = useState(0);
  useLayoutEffect(() => {
    const first = queue.shift();
    if (!first) return;
    give(...first);
    if (queue.length) setTurn((t) => t + 1);
  }, [turn, give, queue]);
  useInput((input, key) => {
    // Keys typed while the app was busy arrive as one chunk (`jjm`): each is still its own key.
    const typed = !key.ctrl && !key.meta && input.length > 1 && /^[\x20-\x7e]+$/.test(input) ? [...input] : [input];
    const waiting = queue.length > 0;
    queue.push(...typed.map((one): [string, Key] => [one, key]));
    if (waiting) return;
    give(...queue.shift()!);
    if (queue.length) setTurn((t) => t + 1);
  });
  return createElement(Traffic.Provider, { value: traffic }, createElement(KeyListeners.Provider, { value: listeners }, children));
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

/**
 * For what is shown "until the next key": `count()` is the number of keys given so far (it grows
 * before a key reaches any listener), and `onEveryKey` runs for each key, even one a modal
 * question or a typing pane takes. Outside KeyDispatch the count stays 0 and nothing runs.
 */
export function useKeyTraffic(onEveryKey: () => void): { count: () => number } {
  const traffic = useContext(Traffic);
  const watcher = useRef(onEveryKey);
  watcher.current = onEveryKey;
  useLayoutEffect(() => {
    if (!traffic) return;
    const watch = () => watcher.current();
    traffic.watchers.add(watch);
    return () => {
      traffic.watchers.delete(watch);
    };
  }, [traffic]);
  const count = useCallback(() => traffic?.count ?? 0, [traffic]);
  return { count };
}

// A terminal for Ink that is not one: a stdout that records each frame (with its time and text,
// ANSI stripped) and a stdin that bench code types into. Ink wraps every frame in "synchronized
// update" marks written as separate writes; the text between them is one frame.
import { PassThrough, Writable } from 'node:stream';

export interface DrawnFrame {
  /** Date.now() when the frame was complete. */
  t: number;
  /** The frame as written (with ANSI). */
  raw: string;
}

const BEGIN_SYNC = '\x1b[?2026h';
const END_SYNC = '\x1b[?2026l';

export function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');
}

export function fakeScreen(columns: number, rows: number, onFrame: (frame: DrawnFrame) => void): NodeJS.WriteStream {
  let inSync = false;
  let pending = '';
  const frame = (raw: string) => {
    if (plain(raw).trim()) onFrame({ t: Date.now(), raw });
  };
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = chunk.toString();
      if (text === BEGIN_SYNC) {
        inSync = true;
        pending = '';
      } else if (text === END_SYNC) {
        inSync = false;
        frame(pending);
      } else if (inSync) pending += text;
      else frame(text);
      done();
    },
  });
  return Object.assign(stream, { columns, rows, isTTY: true }) as unknown as NodeJS.WriteStream;
}

export function fakeKeyboard(): NodeJS.ReadStream {
  const keyboard = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => keyboard,
    ref: () => keyboard,
    unref: () => keyboard,
  });
  return keyboard as unknown as NodeJS.ReadStream;
}

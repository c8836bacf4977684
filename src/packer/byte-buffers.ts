/**
 * Buffers for UTF-8 bytes, used again once what they held was read or written: under a flood
 * of output a new buffer for each chunk costs many times what encoding into one does. At most
 * `keep` buffers wait to be used again.
 */
export class ByteBuffers {
  private readonly spare: Buffer[] = [];

  constructor(
    readonly size: number,
    private keep: number,
  ) {}

  /** A buffer of `size` bytes, to be given back once what it holds is read. */
  take(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buffer: Buffer): void {
    if (this.spare.length < this.keep) this.spare.push(buffer);
  }

  /** Lets the buffers waiting go, and those still being read once read (the work ended). */
  clear(): void {
    this.spare.length = 0;
    this.keep = 0;
  }

  /** `text` as UTF-8 in a buffer taken here (one of its own when it may not fit), and how to give it back. */
  encode(text: string): { data: Uint8Array; release: () => void } {
    // Three bytes at most for each UTF-16 unit.
    if (text.length * 3 > this.size) return { data: Buffer.from(text), release: () => {} };
    const buffer = this.take();
    const length = buffer.write(text);
    return { data: buffer.subarray(0, length), release: () => this.give(buffer) };
  }
}

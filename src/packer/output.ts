import { BlockSplitter } from './lines.js';
import { redactSecrets } from './redact.js';
import { oneLine } from '../one-line.js';
import type { Phase } from './types.js';

/** Something picked out of Packer's output, as it appears. */
export type OutputEvent =
  | { kind: 'build'; build: string }
  | { kind: 'phase'; phase: Phase }
  | { kind: 'instance'; instanceId: string }
  | { kind: 'ami'; amiId: string; region?: string };

export interface CreatedAmi {
  amiId: string;
  /** Missing for the `AMI: ami-…` line, which says no region. */
  region?: string;
}

// `==> amazon-ebs.ubuntu: Launching a source AWS instance...` (Packer 1.5+ names builds
// `<type>.<name>`; JSON templates just `<type>`). An HCL `build { name = "install python" }`
// prefixes its sources' names, spaces and all: `install python.amazon-ebs.ubuntu`.
const BUILD_NAME = String.raw`([^\s:][^:]*?\.[^\s:.]+\.[^\s:.]+|[^\s:]+)`;
const PHASE = new RegExp(String.raw`^==> ${BUILD_NAME}: (.*)$`);
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const BUILD_LINE = new RegExp(String.raw`^(?:==>|-->|   ) ?${BUILD_NAME}: `);
const COLOR_LINE_END = ': output will be in this color.';
const COLOR_LINE = new RegExp(String.raw`^${BUILD_NAME}: output will be in this color\.$`);
const INSTANCE = /\b(?:Instance ID|Launched instance):\s*(i-[0-9a-f]{8,17})\b|\bWaiting for instance \((i-[0-9a-f]{8,17})\)/;
const AMI_LINE = /:\s+AMI:\s*(ami-[0-9a-f]{8,17})\s*$/;
const AMIS_CREATED_TEXT = 'AMIs were created:';
const AMIS_CREATED = /AMIs were created:\s*$/;
const BUILD_ERRORED = /^Build '([^']+)' errored(?: after [^:]*)?: (.*)$/;
// Packer's own step messages read as sentences (`Launching a source AWS instance...`); what a
// provisioner writes to stderr comes through `==>` too, but as a tool's output: `debconf: …`,
// `E: Unable to locate…`, `WARNING: apt does not…`, `+ apt-get …` (set -x).
const STEP_MESSAGE = /^[A-Z][a-z]/;
const TOOL_OUTPUT = /^[A-Za-z0-9_.-]+: |^[A-Z]+\b:/;
const ERROR_MESSAGE = /^Error\b|\bfailed\b/;
const REGION_AMI = /^\s*([a-z]{2}(?:-[a-z]+)+-\d+):\s*(ami-[0-9a-f]{8,17})\s*$/;
// A line that may say more than which build it belongs to holds one of these (each check of
// line() but the build's own): every other line is only kept, for its build and the last lines.
// (A match elsewhere in a line only has it read whole for nothing.)
const TELLING = /==>|-->|Build '|nstance|AMI|output will be in this color/g;
/** The output kept as it came, for the lines of a build a pane asks for late and the last lines. */
const KEPT_CHARS = 4 * 1024 * 1024;

// Line starts remembered (a few forms of each of a few builds).
const MAX_BUILD_STARTS = 16;

/** Keeps the last `max` items without shifting on every push. */
class BoundedLines {
  private items: string[] = [];
  constructor(private readonly max: number) {}
  push(line: string): void {
    this.items.push(line);
    if (this.items.length > this.max + (this.max >> 2)) this.items.splice(0, this.items.length - this.max);
  }
  last(n = this.max): string[] {
    return this.items.slice(-Math.min(n, this.max));
  }
}

/**
 * Reads Packer's output as it streams: phases with their times, build names, the build
 * instance's id and the AMIs created. Colours and `\r` rewrites are removed before matching.
 */
export class PackerOutput {
  readonly phases: Phase[] = [];
  readonly builds: string[] = [];
  instanceId?: string;
  readonly amis: CreatedAmi[] = [];
  /** `<build>: <error>` of each build that errored, as Packer summed it up. */
  readonly errors: string[] = [];
  // The redaction saw a line a \r rewrote only in its pieces: it reads it again once resolved.
  private readonly splitter = new BlockSplitter((text, redacted) => this.text(text, redacted), redactSecrets);
  private readonly textListeners = new Set<(text: string, redacted: boolean) => void>();
  /** The lines of each build asked for (buildLines), kept from then on as they come. */
  private readonly perBuild = new Map<string, BoundedLines>();
  /** The latest texts of the output (at least the last one), at most about KEPT_CHARS. */
  private kept: { text: string; at: number }[] = [];
  private keptChars = 0;
  /** Characters of output read before the current text, and where the line being read starts. */
  private read = 0;
  private lineAt = 0;
  /** Where in the output each build was named: its lines count from there. */
  private readonly namedAt = new Map<string, number>();
  /** How lines of known builds start (`    amazon-ebs.ubuntu: `), with their build. */
  private readonly buildStarts: { start: string; build: string }[] = [];
  private readonly recentLines: number;
  private readonly listeners = new Set<(event: OutputEvent) => void>();
  private inAmiBlock = false;
  private readonly now: () => number;
  private readonly maxLinesPerBuild: number;

  constructor(options: { now?: () => number; maxLinesPerBuild?: number; recentLines?: number } = {}) {
    this.now = options.now ?? Date.now;
    this.maxLinesPerBuild = options.maxLinesPerBuild ?? 5_000;
    this.recentLines = options.recentLines ?? 200;
  }

  on(listener: (event: OutputEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Every line of the output (plain text), in order: the complete lines of a chunk as one text,
   * joined by \n (no trailing one); `redacted` as BlockSplitter says.
   */
  onText(listener: (text: string, redacted: boolean) => void): () => void {
    this.textListeners.add(listener);
    return () => this.textListeners.delete(listener);
  }

  /**
   * A chunk of output; `plain`, where the redacting terminal made it: the same chunk without its
   * colour codes, which saves taking them off again (a chunk of colour codes alone is read as
   * it is: the line it ends is one too).
   */
  push(chunk: string, plain?: string): void {
    if (plain) this.splitter.push(plain, true);
    else this.splitter.push(chunk);
  }

  /** The output ended: the last unfinished line is read and open phases are closed. */
  end(at = this.now()): void {
    this.splitter.end();
    for (const p of this.phases) if (p.endedAt === undefined) p.endedAt = at;
  }

  /**
   * The lines of a chunk: those that may tell something (TELLING, and every line of an AMI
   * block) are read whole; the rest are only kept, which is most of a provisioner's output.
   */
  private text(text: string, redacted: boolean): void {
    for (let start = 0; ;) {
      let at = start;
      // The line after an AMI line of the block is read whole; else the next line that tells.
      if (!this.inAmiBlock) {
        TELLING.lastIndex = start;
        const found = TELLING.exec(text);
        if (!found) break;
        at = text.lastIndexOf('\n', found.index) + 1;
      }
      const nl = text.indexOf('\n', at);
      this.lineAt = this.read + at;
      this.line(text.slice(at, nl === -1 ? text.length : nl));
      if (nl === -1) break;
      start = nl + 1;
    }
    if (this.perBuild.size) this.keepBuildLines(text);
    this.kept.push({ text, at: this.read });
    this.read += text.length + 1;
    this.keptChars += text.length;
    while (this.kept.length > 1 && this.keptChars - this.kept[0]!.text.length >= KEPT_CHARS) this.keptChars -= this.kept.shift()!.text.length;
    for (const l of this.textListeners) l(text, redacted);
  }

  /** The lines of `text` of the builds asked for, to their lists. */
  private keepBuildLines(text: string): void {
    for (let start = 0; ;) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      const line = text.slice(start, end);
      const build = this.buildOf(line, false);
      if (build) this.perBuild.get(build)?.push(line);
      if (nl === -1) return;
      start = nl + 1;
    }
  }

  /**
   * The lines of one build (plain text), the last ones when there were many. Kept from the
   * first time they are asked for: that time, the lines of the build among the output kept
   * (its last 4 MB) are taken.
   */
  buildLines(build: string): string[] {
    let lines = this.perBuild.get(build);
    if (!lines) {
      if (!this.builds.includes(build)) return [];
      lines = new BoundedLines(this.maxLinesPerBuild);
      this.perBuild.set(build, lines);
      const from = this.namedAt.get(build) ?? 0;
      for (const { text, at } of this.kept) {
        let lineAt = at;
        for (const line of text.split('\n')) {
          if (lineAt >= from && this.buildOf(line, false) === build) lines.push(line);
          lineAt += line.length + 1;
        }
      }
    }
    return lines.last();
  }

  /** The last lines of the whole output (plain text), e.g. for an incident's summary. */
  lastLines(n: number): string[] {
    const want = Math.min(n, this.recentLines);
    const lines: string[] = [];
    for (let i = this.kept.length - 1; i >= 0 && lines.length < want; i--) {
      const text = this.kept[i]!.text.split('\n');
      lines.unshift(...text.slice(-(want - lines.length)));
    }
    return want <= 0 ? [] : lines;
  }

  /** The AMI created in `region`, else the only one (or the last) reported. */
  amiId(region?: string): string | undefined {
    const inRegion = region ? this.amis.find((a) => a.region === region) : undefined;
    return (inRegion ?? this.amis.find((a) => a.region) ?? this.amis[this.amis.length - 1])?.amiId;
  }

  private emit(event: OutputEvent): void {
    for (const l of this.listeners) l(event);
  }

  private addBuild(build: string): void {
    if (this.builds.includes(build)) return;
    this.builds.push(build);
    this.namedAt.set(build, this.lineAt);
    this.emit({ kind: 'build', build });
  }

  private addAmi(amiId: string, region?: string): void {
    if (this.amis.some((a) => a.amiId === amiId && (a.region === region || !region))) return;
    const weaker = this.amis.findIndex((a) => a.amiId === amiId && !a.region);
    if (weaker !== -1) this.amis.splice(weaker, 1);
    this.amis.push(region ? { amiId, region } : { amiId });
    this.emit({ kind: 'ami', amiId, region });
  }

  // Each pattern runs only on lines that hold a part all of its matches hold: most of Packer's
  // output is a provisioner's, which none of them is about.
  private line(line: string): void {
    if (line.endsWith(COLOR_LINE_END)) {
      const colored = COLOR_LINE.exec(line)?.[1];
      if (colored) this.addBuild(colored);
    }

    const phase = line.startsWith('==> ') ? this.phaseOf(line) : null;
    if (phase) {
      const message = oneLine(phase[1]).trim();
      if (STEP_MESSAGE.test(message) && !TOOL_OUTPUT.test(message)) this.startPhase(phase[0], message, ERROR_MESSAGE.test(message));
    }

    // Named here (a phase's or a `-->` line): its build is known from now on.
    this.buildOf(line, phase !== null);

    if (line.includes('nstance')) {
      const instance = INSTANCE.exec(line);
      const instanceId = instance?.[1] ?? instance?.[2];
      if (instanceId && instanceId !== this.instanceId) {
        this.instanceId = instanceId;
        this.emit({ kind: 'instance', instanceId });
      }
    }

    if (line.startsWith("Build '")) {
      const [, erroredBuild, erroredText] = BUILD_ERRORED.exec(line) ?? [];
      if (erroredBuild && erroredText !== undefined) {
        this.errors.push(`${erroredBuild}: ${erroredText.trim()}`);
        this.startPhase(erroredBuild, `errored: ${erroredText.trim()}`, true);
      }
    }

    const ami = line.includes('AMI');
    if (ami) {
      const amiId = AMI_LINE.exec(line)?.[1];
      if (amiId) this.addAmi(amiId);
    }
    if (ami && line.includes(AMIS_CREATED_TEXT) && AMIS_CREATED.test(line)) this.inAmiBlock = true;
    else if (this.inAmiBlock) {
      const [, region, created] = REGION_AMI.exec(line) ?? [];
      if (region && created) this.addAmi(created, region);
      else this.inAmiBlock = false;
    }
  }

  /**
   * The build and message of a `==> <build>: <message>` line (PHASE): a known build's by how
   * its lines start, without the pattern (Packer says most of its steps' lines this way).
   */
  private phaseOf(line: string): [build: string, message: string] | null {
    for (const { start, build } of this.buildStarts) {
      if (!start.startsWith('==> ') || !line.startsWith(start)) continue;
      const message = line.slice(start.length);
      // What PHASE's `(.*)$` reads: no line terminator in the message.
      if (!LINE_TERMINATOR.test(message)) return [build, message];
    }
    const match = PHASE.exec(line);
    return match ? [match[1]!, match[2]!] : null;
  }

  /**
   * The build a line of output belongs to (`    <build>: ...`), if it is one Packer named. How
   * the lines of a known build start is kept: its next lines are known by that, without the
   * pattern and without making a string of the name each time.
   */
  private buildOf(line: string, isPhase: boolean): string | undefined {
    for (const { start, build } of this.buildStarts) if (line.startsWith(start)) return build;
    const match = line.startsWith('   ') || line.startsWith('==>') || line.startsWith('-->') ? BUILD_LINE.exec(line) : null;
    const prefixed = match?.[1];
    if (!match || !prefixed || !(isPhase || line.startsWith('-->') || this.builds.includes(prefixed))) return undefined;
    this.addBuild(prefixed);
    const build = this.builds.find((b) => b === prefixed)!;
    if (this.buildStarts.length < MAX_BUILD_STARTS) this.buildStarts.push({ start: match[0], build });
    return build;
  }

  private startPhase(build: string, message: string, failed: boolean): void {
    const at = this.now();
    for (let i = this.phases.length - 1; i >= 0; i--) {
      const last = this.phases[i]!;
      if (last.build !== build) continue;
      if (last.endedAt === undefined) last.endedAt = at;
      break;
    }
    const phase: Phase = failed ? { build, message, startedAt: at, failed } : { build, message, startedAt: at };
    this.phases.push(phase);
    this.emit({ kind: 'phase', phase });
  }
}

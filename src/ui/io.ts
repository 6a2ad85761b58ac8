/**
 * The terminal a command runs in, as one object (gh's IOStreams): where text goes, what comes in
 * on stdin, whether each is a terminal, how wide the terminal is and whether to colour. Commands,
 * renderers and prompts see only this; the process's own streams are read in one place,
 * `processStreams`, and tests build an IOStreams over captured text instead (no TTY, no colour).
 */
import {createPaint, type Paint} from './color.js'
import {terminalColumns} from './table.js'
import type {TableOptions} from './table.js'

/** An environment as a plain record: the process's own, or a test's. */
export type Env = Readonly<Record<string, string | undefined>>

/** Somewhere text is written, and what is known about the terminal behind it. */
export interface TextOutput {
  write(text: string): void
  readonly isTTY: boolean
  /** The terminal's width, when it is one. */
  readonly columns?: number
}

/** What a command reads from stdin: chunks until end of file. */
export interface TextInput extends AsyncIterable<string | Buffer> {
  readonly isTTY: boolean
}

/** The streams a prompt library draws on (a real terminal's, for the prompts that need one). */
export interface PromptStreams {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
}

export class IOStreams {
  private colour = false
  /** The styles this run writes: plain until `setColorEnabled(true)`. */
  paint: Paint = createPaint(false)

  constructor(
    readonly stdout: TextOutput,
    readonly stderr: TextOutput,
    readonly stdin: TextInput,
    private readonly env: Env,
    /** The raw streams prompts need; absent where nothing can prompt (tests, pipes). */
    readonly promptStreams?: PromptStreams,
  ) {}

  /** Decided once flags are parsed (--no-color, --json, NO_COLOR...): see colorEnabled. */
  setColorEnabled(on: boolean): void {
    this.colour = on
    this.paint = createPaint(on)
  }

  get colorEnabled(): boolean {
    return this.colour
  }

  /** The width tables are fitted to: stdout's own when it is a terminal, else $COLUMNS, else 80. */
  get columns(): number {
    return terminalColumns(this.stdout, this.env)
  }

  /** How a table for stdout is laid out: fitted and bold-headed on a terminal, plain when piped. */
  get table(): TableOptions {
    return {isTTY: this.stdout.isTTY, width: this.columns, paint: this.paint}
  }
}

/** Text written to a Node stream, and that stream's terminal facts read when asked (a terminal may be resized). */
function nodeOutput(stream: NodeJS.WriteStream): TextOutput {
  return {
    write: (text) => void stream.write(text),
    get isTTY() {
      return Boolean(stream.isTTY)
    },
    get columns() {
      return stream.columns
    },
  }
}

/** This process's own streams: the one place the tool reads process.stdout, stderr and stdin. */
export function processStreams(env: Env): IOStreams {
  const stdin = process.stdin
  const input: TextInput = {
    get isTTY() {
      return Boolean(stdin.isTTY)
    },
    [Symbol.asyncIterator]: () => stdin[Symbol.asyncIterator](),
  }
  return new IOStreams(nodeOutput(process.stdout), nodeOutput(process.stderr), input, env, {input: stdin, output: process.stderr})
}

/** Captured text, for tests and for commands run inside another program (as a terminal of `columns` if given). */
export class CapturedOutput implements TextOutput {
  text = ''
  readonly isTTY: boolean
  constructor(readonly columns?: number) {
    this.isTTY = columns !== undefined
  }

  write(text: string): void {
    this.text += text
  }
}

/** stdin as a finished pipe holding `text` (or nothing): what `echo text | octoworkers ...` gives. */
export function pipedInput(text?: string): TextInput {
  return {
    isTTY: false,
    async *[Symbol.asyncIterator]() {
      if (text !== undefined && text !== '') yield Buffer.from(text)
    },
  }
}

/** Everything on stdin until end of file, as UTF-8 text (a key piped in with --api-key-stdin). */
export async function readAllText(input: TextInput): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks).toString('utf8')
}

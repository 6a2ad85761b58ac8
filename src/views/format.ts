/**
 * The one format chooser of every command that prints its result in more than one format
 * (`--format`): a typed table from each format's name to the renderer of the result in it. The
 * table is the single statement of a command's formats: the flag's accepted values and default
 * (src/cli/flags.ts formatFlag reads them from it) and what each one prints.
 *
 * `json` is in every such table and always prints the command's --json document (the context's
 * `json`), through the same writer, so that `--format json` and `--json` can never differ.
 */
import {jsonTextWithoutLinks} from '../ui/output.js'
import type {Paint} from '../ui/color.js'
import type {TableOptions} from '../ui/table.js'

/** Human output of a command's result: text for stdout, notes (progress, "nothing matched") for stderr. */
export interface Rendered {
  stdout?: string
  /** A JSON document for stdout instead of text: written in pieces, as --json writes its document, never built as one string. */
  document?: unknown
  stderr?: string[]
}

/** The text of what a renderer made for stdout (for a file instead of stdout). */
export function renderedText(rendered: Rendered): string {
  return 'document' in rendered ? jsonTextWithoutLinks(rendered.document) : (rendered.stdout ?? '')
}

/** What every renderer is given besides the result: at least the command's --json document of it. */
export interface JsonDocumentOf<R> {
  /** The --json document of a result (the command's toJson). */
  json(result: R): unknown
}

/** What a renderer knows of the run besides the result: its --json document and its terminal. */
export interface ViewContext<R> extends JsonDocumentOf<R> {
  /** How a table for stdout is laid out (fitted on a terminal, plain when piped). */
  table: TableOptions
  paint: Paint
}

/** Renders a result in one format. `context` holds what the result does not: the terminal, the tool's version... */
export type Renderer<R, C> = (result: R, context: C) => Rendered

/** The `json` format of every table: the --json document, Links left out as --json leaves them out. */
export function jsonDocument<R>(result: R, context: JsonDocumentOf<R>): Rendered {
  return {document: context.json(result)}
}

export interface OutputFormats<R, C extends JsonDocumentOf<R>, F extends string> {
  /** The accepted `--format` values, in the order --help and the error message list them. */
  readonly names: readonly F[]
  /** The format when `--format` is not given (and the one --json overrides). */
  readonly default: F
  /** The result in the chosen format. */
  render(format: F, result: R, context: C): Rendered
}

/**
 * A command's format table. `renderers` names each format in the order it is listed, and must
 * have `json` (use `jsonDocument`): `--json` means `--format json` (see formatFlag).
 */
export function outputFormats<R, C extends JsonDocumentOf<R>, F extends string>(
  renderers: Record<F, Renderer<R, C>> & {json: Renderer<R, C>},
  options: {default: NoInfer<F>},
): OutputFormats<R, C, F> {
  const names = Object.keys(renderers) as F[]
  return {
    names,
    default: options.default,
    render(format, result, context) {
      // The flag's parser only lets the names through; anything else here is a programming error.
      if (!Object.hasOwn(renderers, format)) throw new Error(`Unknown output format '${format}': expected one of ${names.join(', ')}.`)
      return renderers[format](result, context)
    },
  }
}

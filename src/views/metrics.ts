/**
 * `metrics serve`'s stderr lines: one per notice the exporter emits. The lines hold server strings
 * (an error's message, a space's name) raw; the command writes each through its note writer, which
 * escapes them (src/ui/output.ts writeStderrLine).
 */
import type {ExporterNotice} from '../app/metrics/exporter.js'
import {unreadableCauseText, unreadablePartName} from './unreadable-part.js'

export function exporterNoticeLine(notice: ExporterNotice): string {
  switch (notice.kind) {
    case 'read-failed': return `Reading the server failed: ${notice.message}; octoworkers_up is 0 until a read succeeds.`
    case 'read-recovered': return 'Reading the server works again; octoworkers_up is 1.'
    case 'part-unavailable': return `Could not read the ${unreadablePartName(notice.part)} (${unreadableCauseText(notice.cause)}); the metrics that need it are left out.`
  }
}

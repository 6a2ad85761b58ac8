/** `leases report`'s formats: tables with a bar chart of busy time, the --json document, CSV of the group-by rows, a self-contained HTML page of charts. */
import type {LeaseReport} from '../../app/leases/report.js'
import {jsonDocument, outputFormats, type ViewContext} from '../format.js'
import {reportCsv} from './report-csv.js'
import {renderLeaseReport} from './report-table.js'
import {renderLeaseReportHtml} from './report-html.js'

/** What `leases report`'s formats print: the report, and whether it covers every space (then rows name their space). */
export interface LeaseReportOutcome {
  report: LeaseReport
  allSpaces: boolean
}

export const LEASE_REPORT_FORMATS = outputFormats<LeaseReportOutcome, ViewContext<LeaseReportOutcome>, 'table' | 'json' | 'csv' | 'html'>({
  table: ({report, allSpaces}, {table}) => ({stdout: renderLeaseReport(report, {...table, spaceColumn: allSpaces})}),
  json: jsonDocument,
  csv: ({report, allSpaces}) => ({stdout: reportCsv(report, {spaceColumns: allSpaces})}),
  html: ({report, allSpaces}) => ({stdout: renderLeaseReportHtml(report, {spaceNames: allSpaces})}),
}, {default: 'table'})

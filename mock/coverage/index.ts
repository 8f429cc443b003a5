/**
 * Consumer coverage (issue 13): the model, the report engine, the exported journal, and the
 * report's shape. docs/coverage.md.
 */
export { coverageReport, coverageFromJournal, ENTRIES_LISTED, type CoverageOptions } from './report.js'
export { coverageModel, PIPELINE_ERRORS, type ModelGroup, type ModelItem, type ModelOptions } from './model.js'
export { journalExportSchema, journalExport, exportTenant, JOURNAL_EXPORT_FORMAT, JOURNAL_EXPORT_VERSION, type JournalExport } from './journal-export.js'
export * from './schema.js'

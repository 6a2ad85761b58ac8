/**
 * The table that holds projects and what their steps run on (documents.ts builds them), one JSON
 * document per row, keyed by kind and ID. Kept apart from the store's own tables: only `pool
 * usage`'s routes read it, and nothing in the sandbox writes it but the seeds.
 */

export type UsageKind = 'Environment' | 'Lifecycle' | 'Project' | 'Channel' | 'DeploymentProcess' | 'GitDeploymentProcess' | 'Runbook' | 'RunbookProcess' | 'LibraryVariableSet' | 'VariableSet' | 'Feed'

export const USAGE_SCHEMA = `
CREATE TABLE IF NOT EXISTS usage_documents (
  id TEXT NOT NULL COLLATE NOCASE,
  kind TEXT NOT NULL,
  space_id TEXT NOT NULL,
  sort_key TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS usage_documents_by_space ON usage_documents(kind, space_id, sort_key);
`

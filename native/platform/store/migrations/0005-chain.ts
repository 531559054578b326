import type { Migration } from './types'

/** Chain client: last known chain reads (offline display) and pending commit-reveal commits. */
export const migrationChain: Migration = {
  version: 5,
  name: 'chain: read cache and pending weight commits',
  up: `
    CREATE TABLE chain_cache (
      network TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (network, key)
    ) STRICT;

    CREATE TABLE chain_commits (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      network TEXT NOT NULL,
      netuid INTEGER NOT NULL,
      hotkey TEXT NOT NULL,
      commit_hash TEXT NOT NULL,
      uids TEXT NOT NULL,
      weights TEXT NOT NULL,
      salt TEXT NOT NULL,
      version_key TEXT NOT NULL,
      commit_block INTEGER NOT NULL,
      reveal_from INTEGER NOT NULL,
      reveal_until INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'revealed', 'expired', 'failed')),
      error TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX chain_commits_pending ON chain_commits (network, status, reveal_from);
  `,
}

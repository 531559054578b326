import type { Migration } from './types'

export const migrationValidator: Migration = {
  version: 4,
  name: 'validator: rounds, per-miner results, weight history, state',
  up: `
    CREATE TABLE validator_rounds (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
      netuid INTEGER NOT NULL,
      block INTEGER,
      source TEXT NOT NULL DEFAULT '',
      description TEXT NOT NULL DEFAULT '',
      question_maker TEXT NOT NULL DEFAULT '',
      pairs INTEGER NOT NULL DEFAULT 0,
      dropped_pairs INTEGER NOT NULL DEFAULT 0,
      queried INTEGER NOT NULL DEFAULT 0,
      answered INTEGER NOT NULL DEFAULT 0,
      burn TEXT NOT NULL DEFAULT '{}',
      error TEXT
    ) STRICT;
    CREATE INDEX validator_rounds_started ON validator_rounds (started_at);

    CREATE TABLE validator_results (
      round_id INTEGER NOT NULL REFERENCES validator_rounds (id) ON DELETE CASCADE,
      uid INTEGER NOT NULL,
      hotkey TEXT NOT NULL,
      time INTEGER NOT NULL,
      status INTEGER NOT NULL,
      message TEXT NOT NULL,
      latency_s REAL NOT NULL,
      score REAL NOT NULL,
      loss REAL,
      top1 REAL NOT NULL,
      top3 REAL NOT NULL,
      reward REAL NOT NULL,
      moving_average REAL NOT NULL,
      invalid_reason TEXT,
      PRIMARY KEY (round_id, uid)
    ) STRICT;
    CREATE INDEX validator_results_uid ON validator_results (uid, round_id);
    CREATE INDEX validator_results_time ON validator_results (time);

    CREATE TABLE validator_weights (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time INTEGER NOT NULL,
      netuid INTEGER NOT NULL,
      block INTEGER,
      kind TEXT NOT NULL CHECK (kind IN ('set', 'commit', 'reveal', 'skipped')),
      status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'pending', 'skipped')),
      message TEXT NOT NULL,
      uids TEXT NOT NULL DEFAULT '[]',
      weight_values TEXT NOT NULL DEFAULT '[]',
      salt TEXT,
      version_key INTEGER NOT NULL DEFAULT 0,
      commit_epoch INTEGER,
      revealed INTEGER NOT NULL DEFAULT 0,
      spearman REAL
    ) STRICT;
    CREATE INDEX validator_weights_time ON validator_weights (time);

    CREATE TABLE validator_state (
      key TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL
    ) STRICT;
  `,
}

import type { Migration } from './types'

export const migration0002: Migration = {
  version: 2,
  name: 'miner: axon nonces (replay protection across restarts), request log',
  up: `
    CREATE TABLE axon_nonces (
      endpoint_key TEXT PRIMARY KEY NOT NULL,
      nonce INTEGER NOT NULL,
      seen_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX axon_nonces_seen_at ON axon_nonces (seen_at);

    CREATE TABLE miner_requests (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time INTEGER NOT NULL,
      route TEXT NOT NULL,
      hotkey TEXT,
      uid INTEGER,
      ip TEXT NOT NULL,
      texts INTEGER NOT NULL,
      status INTEGER NOT NULL,
      message TEXT NOT NULL,
      latency_ms REAL NOT NULL,
      queue_ms REAL NOT NULL,
      inference_ms REAL NOT NULL,
      bytes_in INTEGER NOT NULL,
      bytes_out INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX miner_requests_time ON miner_requests (time);
  `,
}

import type { Migration } from './types'

export const migrationWalletActivity: Migration = {
  version: 3,
  name: 'wallet: activity history',
  up: `
    CREATE TABLE wallet_activity (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time INTEGER NOT NULL,
      wallet TEXT NOT NULL,
      kind TEXT NOT NULL,
      message TEXT NOT NULL,
      address TEXT,
      status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'pending'))
    ) STRICT;
    CREATE INDEX wallet_activity_wallet ON wallet_activity (wallet, id);
  `,
}

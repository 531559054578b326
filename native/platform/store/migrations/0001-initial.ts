import type { Migration } from './types'

export const migration0001: Migration = {
  version: 1,
  name: 'initial: settings, event log, time series',
  up: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY NOT NULL,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE event_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      time INTEGER NOT NULL,
      level INTEGER NOT NULL CHECK (level BETWEEN 10 AND 40),
      source TEXT NOT NULL,
      message TEXT NOT NULL,
      fields TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE INDEX event_log_time ON event_log (time);
    CREATE INDEX event_log_source ON event_log (source, id);

    CREATE TABLE time_series (
      series TEXT NOT NULL,
      time INTEGER NOT NULL,
      value REAL NOT NULL,
      labels TEXT NOT NULL DEFAULT '{}'
    ) STRICT;
    CREATE INDEX time_series_series_time ON time_series (series, time);
  `,
}

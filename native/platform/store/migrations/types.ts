export interface Migration {
  /** Consecutive from 1; stored in PRAGMA user_version once applied. */
  readonly version: number
  readonly name: string
  /** SQL run inside one transaction with the version bump. */
  readonly up: string
}

import { migration0001 } from './0001-initial'
import type { Migration } from './types'

export type { Migration }

/** Every schema migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [migration0001]

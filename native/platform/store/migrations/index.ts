import { migration0001 } from './0001-initial'
import { migration0002 } from './0002-miner'
import { migrationWalletActivity } from './0003-wallet-activity'
import { migrationValidator } from './0004-validator'
import { migrationChain } from './0005-chain'
import type { Migration } from './types'

export type { Migration }

/** Every schema migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migrationWalletActivity, migrationValidator, migrationChain]

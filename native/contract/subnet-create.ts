import { z } from 'zod'
import { event, method } from './define'
import { TaoAmount, TxStage } from './chain'

const Rao = z.string().regex(/^\d+$/)

/** What creating a subnet costs now (`get_network_lock_cost`) and when the chain allows the next one. */
export const SubnetCost = z.object({
  lockRao: Rao,
  minLockRao: Rao,
  /** The transaction fee for the wallet's coldkey, when a wallet was given and the node says. */
  feeRao: Rao.nullable(),
  /** Blocks until the network rate limit lets a new subnet in (0 = now). */
  blocksUntilAllowed: z.number().int(),
  block: z.number().int(),
  /** The `additional` identity field that declares the text-embedding protocol. */
  declaration: z.string(),
})
export type SubnetCost = z.infer<typeof SubnetCost>

export const NewSubnetIdentity = z.object({
  name: z.string().trim().min(1).max(256),
  githubRepo: z.string().max(1024).default(''),
  contact: z.string().max(1024).default(''),
  url: z.string().max(1024).default(''),
  description: z.string().max(1024).default(''),
})

/** One step of creating a subnet: register_network, then start_call. */
export const SubnetCreationProgress = z.object({
  operationId: z.string(),
  step: z.enum(['register', 'startCall']),
  stage: TxStage,
  netuid: z.number().int().nullable(),
  lockRao: Rao.nullable(),
  blockHash: z.string().nullable(),
  /** The whole operation is over (created and, if asked, emission started; or failed). */
  done: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  time: z.number(),
})
export type SubnetCreationProgress = z.infer<typeof SubnetCreationProgress>

const WalletRef = { wallet: z.string().min(1).max(64) }

export const subnetCreateMethods = {
  'chain.subnetCost': method(z.object({ wallet: WalletRef.wallet.optional() }).strict(), SubnetCost, 'What creating a subnet locks now, its fee for the wallet, and when the next one is allowed.'),
  'chain.createSubnet': method(
    z.object({ ...WalletRef, hotkey: z.string().min(1).max(64), maxLockTao: TaoAmount, identity: NewSubnetIdentity, startEmission: z.boolean().default(true) }).strict(),
    z.object({ operationId: z.string(), lockRao: Rao }),
    'Creates a subnet owned by the unlocked coldkey (the hotkey becomes uid 0) with an identity declaring the text-embedding protocol, refused above maxLockTao; then start_call. Progress comes as chain.subnetCreation events.',
  ),
}

export const subnetCreateEvents = {
  'chain.subnetCreation': event(SubnetCreationProgress, 'Progress of creating a subnet from TaoDesk.'),
}

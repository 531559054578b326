import { z } from 'zod'
import { event, method } from './define'

/**
 * Wallets: btcli-compatible sr25519 coldkeys and hotkeys kept in the engine.
 *
 * Secret rule (enforced by wallet-contract.test.ts): no result or event carries a secret
 * (recovery phrase, seed, private key), with ONE exception: `wallet.revealMnemonic`, which hands
 * the phrases of a key created in this session to the first-run wizard exactly once, against a
 * single-use token that expires after REVEAL_TTL_MS. Secrets go the other way (passwords, a
 * phrase being restored) only in the params of the methods listed in SECRET_PARAM_METHODS.
 */

export const REVEAL_TTL_MS = 15 * 60_000
export const MIN_PASSWORD_LENGTH = 6
export const MIN_PASSWORD_SCORE = 20

const Name = z.string().min(1).max(64)

/**
 * Wallet and hotkey names become file and folder names (btcli layout): 1 to 64 letters, digits,
 * "_", "-" or ".", not starting with "." or "-", never "..". native/wallet `checkName` applies
 * the same rule; the miner and validator contracts use {@link KeyName}.
 */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/
export const KEY_NAME_RULE = 'use 1 to 64 letters, digits, "_", "-" or "." (not starting with "." or "-")'
export function isKeyName(name: string): boolean {
  return KEY_NAME_PATTERN.test(name) && !name.includes('..')
}
export const KeyName = z.string().refine(isKeyName, { message: `not a wallet or hotkey name: ${KEY_NAME_RULE}` })
const Password = z.string().min(1).max(1024)
const Address = z.string().min(40).max(60)
const PublicKeyHex = z.string().regex(/^0x[0-9a-f]{64}$/)

export const KeyfileFormat = z.enum(['nacl', 'ansible', 'fernet', 'plaintext', 'missing'])
export type KeyfileFormat = z.infer<typeof KeyfileFormat>

export const KeySummary = z.object({
  address: Address.nullable(),
  publicKey: PublicKeyHex.nullable(),
  /** How the secret file is stored; "missing" for a watch-only (public file only) key. */
  format: KeyfileFormat,
  /** Something the user should know (damaged file, unsupported encryption), or null. */
  problem: z.string().nullable(),
})
export type KeySummary = z.infer<typeof KeySummary>

export const HotkeySummary = KeySummary.extend({ name: Name })
export type HotkeySummary = z.infer<typeof HotkeySummary>

export const WalletSummary = z.object({
  name: Name,
  path: z.string(),
  coldkey: KeySummary,
  hotkeys: z.array(HotkeySummary),
  /** Epoch ms until which the coldkey stays unlocked in the engine, or null when locked. */
  unlockedUntil: z.number().nullable(),
  /** The desktop app keeps this coldkey's password in the OS keychain (Electron safeStorage). */
  remembered: z.boolean().default(false),
})
export type WalletSummary = z.infer<typeof WalletSummary>

export const WalletList = z.object({
  directory: z.string(),
  wallets: z.array(WalletSummary),
  /** Whether "remember password" can be offered (desktop app with an OS keychain; never headless). */
  rememberAvailable: z.boolean().default(false),
  /** Why it cannot, in words for the user (say, Linux without a keyring); null when it can, or headless. */
  rememberUnavailableReason: z.string().nullable().default(null),
})
export type WalletList = z.infer<typeof WalletList>

export const MnemonicWords = z.union([z.literal(12), z.literal(24)])

export const RevealToken = z.string().regex(/^[0-9a-f]{64}$/)

export const Created = z.object({
  wallet: WalletSummary,
  /** Single use: `wallet.revealMnemonic` with it shows the new recovery phrase(s) once. */
  revealToken: RevealToken,
})
export type Created = z.infer<typeof Created>

export const KeyRole = z.enum(['coldkey', 'hotkey'])
export type KeyRole = z.infer<typeof KeyRole>

/** The only result shape in the contract that carries a secret (see the rule above). */
export const RevealedMnemonic = z.object({
  wallet: Name,
  phrases: z.array(z.object({ role: KeyRole, name: Name, words: z.array(z.string()) })),
  /** Word positions (1-based) the user is asked to type back, per phrase. */
  checks: z.array(z.object({ role: KeyRole, position: z.number().int().min(1).max(24) })),
})
export type RevealedMnemonic = z.infer<typeof RevealedMnemonic>

export const BackupAnswer = z.object({ role: KeyRole, position: z.number().int().min(1).max(24), word: z.string().max(64) })

export const ActivityKind = z.enum([
  'created',
  'regenerated',
  'hotkey-added',
  'imported',
  'directory-changed',
  'unlocked',
  'unlock-failed',
  'locked',
  'backup-confirmed',
  'transfer',
  'stake',
  'unstake',
])
export type ActivityKind = z.infer<typeof ActivityKind>

export const ActivityEntry = z.object({
  id: z.number().int().positive(),
  time: z.number(),
  wallet: z.string(),
  kind: ActivityKind,
  message: z.string(),
  address: z.string().nullable(),
  status: z.enum(['ok', 'failed', 'pending']),
})
export type ActivityEntry = z.infer<typeof ActivityEntry>

export const UnlockProgress = z.object({
  wallet: Name,
  phase: z.enum(['deriving', 'done', 'failed']),
  elapsedMs: z.number().nonnegative(),
  estimatedMs: z.number().nonnegative(),
  message: z.string().optional(),
})
export type UnlockProgress = z.infer<typeof UnlockProgress>

const Empty = z.object({}).strict()

/** An amount in 1e-9 units (rao for TAO, the same scale for alpha), as a decimal u64 string. */
const Units = z.string().regex(/^\d{1,20}$/, 'an amount in 1e-9 units (digits only)').refine((v) => BigInt(v) > 0n && BigInt(v) < 2n ** 64n, 'the amount must be above 0 and fit in a u64')
const NetUid = z.number().int().min(0).max(65535)
/** An alpha price in rao per 1.0 alpha (price × 1e9), the unit of `limit_price` (spec network-2026 §8); 0 allowed. */
const RaoPerAlpha = z.string().regex(/^\d{1,20}$/, 'a price in rao per alpha (digits only)').refine((v) => BigInt(v) < 2n ** 64n, 'the price must fit in a u64')
/**
 * Price protection of a stake or unstake: `limitPrice` is the highest (stake) or lowest (unstake)
 * alpha price accepted; the engine fills it in from the current price and the slippage setting
 * when absent. `allowPartial` (default false) lets the chain execute only what fits under the limit;
 * without it the whole call fails with SlippageTooHigh.
 */
const PriceLimit = { limitPrice: RaoPerAlpha.optional(), allowPartial: z.boolean().optional() }

export const WalletCall = z.discriminatedUnion('kind', [
  /** Balances.transfer_keep_alive: never leaves the sender below the existential deposit. */
  z.object({ kind: z.literal('transfer'), to: Address, amount: Units }).strict(),
  /** SubtensorModule.add_stake_limit: TAO (rao) from the coldkey to a hotkey on a subnet, at most at the limit price. */
  z.object({ kind: z.literal('stake'), hotkey: Address, netuid: NetUid, amount: Units, ...PriceLimit }).strict(),
  /** SubtensorModule.remove_stake_limit: alpha units of the hotkey's stake on the subnet back to TAO, at least at the limit price. */
  z.object({ kind: z.literal('unstake'), hotkey: Address, netuid: NetUid, amount: Units, ...PriceLimit }).strict(),
])
export type WalletCall = z.infer<typeof WalletCall>

/** The slippage tolerance a stake or unstake gets unless the user picks another (settings `stakeSlippagePercent`). */
export const DEFAULT_SLIPPAGE_PERCENT = 0.5
export const SlippagePercent = z.number().min(0).max(100)

const U64_MAX = 2n ** 64n - 1n

/**
 * The limit price for a slippage tolerance (spec network-2026 §8): floor(price × (1 + tolerance))
 * for a stake, floor(price × (1 − tolerance)) for an unstake; rao per alpha, tolerance in percent
 * (resolution 0.0001 %).
 */
export function limitPriceFor(priceRao: bigint, slippagePercent: number, kind: 'stake' | 'unstake'): bigint {
  const ppm = BigInt(Math.round(SlippagePercent.parse(slippagePercent) * 10_000))
  const limit = (priceRao * (kind === 'stake' ? 1_000_000n + ppm : 1_000_000n - ppm)) / 1_000_000n
  return limit > U64_MAX ? U64_MAX : limit
}

export const PriceQuote = z.object({
  /** The current alpha price (SwapRuntimeApi.current_alpha_price, else the pool in storage), rao per alpha. */
  expected: RaoPerAlpha,
  /** The limit price signed into the call, rao per alpha. */
  limit: RaoPerAlpha,
  /** The tolerance the limit was computed with, or null when the call carried its own limit. */
  slippagePercent: z.number().nullable(),
  allowPartial: z.boolean(),
  source: z.enum(['runtime-api', 'storage']),
})
export type PriceQuote = z.infer<typeof PriceQuote>

export const StakeRow = z.object({
  hotkey: Address,
  /** The wallet's name for this hotkey, or null for someone else's hotkey (a delegate). */
  hotkeyName: z.string().nullable(),
  netuid: NetUid,
  /** Alpha in 1e-9 units (decimal u64). */
  alpha: z.string(),
})
export type StakeRow = z.infer<typeof StakeRow>

export const WalletBalances = z.object({
  wallet: Name,
  network: z.string(),
  endpoint: z.string(),
  coldkey: Address,
  /** Free balance in rao (decimal u64). */
  free: z.string(),
  stakes: z.array(StakeRow),
  readAt: z.number(),
})
export type WalletBalances = z.infer<typeof WalletBalances>

export const Estimate = z.object({
  network: z.string(),
  endpoint: z.string(),
  /** Transaction fee in rao from the node's payment info, or null when the node cannot say (see note). */
  fee: z.string().nullable(),
  note: z.string().nullable(),
  free: z.string(),
  /** What leaves the free balance: amount (transfer/stake) plus fee; fee only for unstake. */
  total: z.string(),
  /** Enough free balance for amount + fee + the existential deposit (transfer_keep_alive); null when unknown. */
  enough: z.boolean().nullable(),
  /** A human summary of the call, for the confirmation step. */
  summary: z.string(),
  /** Stake and unstake: the expected and limit price; null for a transfer. */
  price: PriceQuote.nullable(),
  /** The call as it will be signed (a stake or unstake with its limit price filled in): send this one. */
  call: WalletCall,
})
export type Estimate = z.infer<typeof Estimate>

export const ExtrinsicStage = z.enum(['signing', 'submitted', 'ready', 'inBlock', 'finalized', 'failed'])
export type ExtrinsicStage = z.infer<typeof ExtrinsicStage>

export const ExtrinsicEvent = z.object({
  /** The activity entry of this extrinsic. */
  id: z.number().int().positive(),
  wallet: Name,
  kind: z.enum(['transfer', 'stake', 'unstake']),
  stage: ExtrinsicStage,
  txHash: z.string().optional(),
  blockHash: z.string().optional(),
  blockNumber: z.number().int().optional(),
  /** When failed: "Balances.InsufficientBalance", "SubtensorModule.NotEnoughBalanceToStake", ... */
  errorCode: z.string().optional(),
  error: z.string().optional(),
})
export type ExtrinsicEvent = z.infer<typeof ExtrinsicEvent>

/** The existential deposit of subtensor (rao): transfer_keep_alive keeps at least this much. */
export const EXISTENTIAL_DEPOSIT_RAO = 500n

/** 1 TAO = 1e9 rao. Parses "1.5" -> 1500000000n; refuses more than 9 decimals or negatives. */
export function parseTao(text: string): bigint {
  const m = /^\s*(\d+)(?:\.(\d{1,9}))?\s*$/.exec(text)
  if (!m) throw new Error(`"${text}" is not an amount (use digits, at most 9 decimals, e.g. 1.25).`)
  return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
}

/** 1500000000 -> "1.5" (no rounding; up to 9 decimals). */
export function formatTao(rao: bigint | string): string {
  const v = BigInt(rao)
  const whole = v / 1_000_000_000n
  const frac = (v % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '')
  return frac ? `${whole}.${frac}` : `${whole}`
}

/** "1.005 TAO per alpha" for a price in rao per alpha. */
export function formatPrice(rao: bigint | string): string {
  return `${formatTao(rao)} TAO per alpha`
}

/**
 * The review step's price lines (app and CLI): the expected price, and the limit with the
 * tolerance it came from and its direction (a stake pays at most, an unstake receives at least).
 */
export function priceReview(quote: PriceQuote, kind: 'stake' | 'unstake'): { expected: string; limit: string } {
  const bound = kind === 'stake' ? 'at most' : 'at least'
  const tolerance = quote.slippagePercent === null ? 'your own limit' : `${quote.slippagePercent} % slippage`
  const partial = quote.allowPartial ? '; a partial fill is allowed' : ''
  return { expected: formatPrice(quote.expected), limit: `${bound} ${formatPrice(quote.limit)} (${tolerance}${partial})` }
}

export const walletMethods = {
  'wallet.list': method(Empty, WalletList, 'Every wallet in the wallets folder (btcli layout), public information only.'),
  'wallet.get': method(z.object({ name: Name }).strict(), WalletSummary, 'One wallet, public information only.'),
  'wallet.create': method(
    z.object({ name: Name, hotkey: Name.default('default'), words: MnemonicWords.default(12), password: Password }).strict(),
    Created,
    'Create a wallet: an encrypted coldkey and one hotkey from new recovery phrases.',
  ),
  'wallet.newHotkey': method(
    z.object({ name: Name, hotkey: Name, words: MnemonicWords.default(12), password: Password.optional() }).strict(),
    Created,
    'Add a hotkey (new recovery phrase) to a wallet; encrypted only when a password is given.',
  ),
  'wallet.revealMnemonic': method(
    z.object({ token: RevealToken }).strict(),
    RevealedMnemonic,
    'Show the recovery phrase(s) of a key just created, once. The token is spent by this call.',
  ),
  'wallet.confirmBackup': method(
    z.object({ token: RevealToken, answers: z.array(BackupAnswer).min(1).max(12) }).strict(),
    z.object({ confirmed: z.boolean(), wrong: z.array(z.object({ role: KeyRole, position: z.number().int() })) }),
    'Check the words the user typed back against the phrase shown by wallet.revealMnemonic.',
  ),
  'wallet.regen': method(
    z
      .object({
        name: Name,
        role: KeyRole,
        hotkey: Name.default('default'),
        mnemonic: z.string().min(1).max(1000),
        password: Password.optional(),
        overwrite: z.boolean().default(false),
      })
      .strict(),
    WalletSummary,
    'Restore a coldkey (password required) or hotkey from its recovery phrase.',
  ),
  'wallet.unlock': method(
    z
      .object({
        name: Name,
        /** Omit to use the password remembered in the OS keychain. */
        password: Password.optional(),
        minutes: z.number().int().min(1).max(24 * 60).default(15),
        /** Keep the password in the OS keychain (desktop app only; off by default). */
        remember: z.boolean().default(false),
      })
      .strict(),
    z.object({ name: Name, address: Address, unlockedUntil: z.number() }),
    'Decrypt the coldkey into engine memory for a while; it is wiped afterwards or on wallet.lock.',
  ),
  'wallet.forget': method(
    z.object({ name: Name.optional() }).strict(),
    z.object({ forgotten: z.array(Name) }),
    'Remove a remembered coldkey password (or all) from the OS keychain.',
  ),
  'wallet.balances': method(z.object({ name: Name }).strict(), WalletBalances, 'Free balance of the coldkey and its stake per hotkey and subnet, read from the chain.'),
  'wallet.estimate': method(
    z.object({ name: Name, call: WalletCall, slippagePercent: SlippagePercent.optional() }).strict(),
    Estimate,
    'Fee (payment info), balance check and, for stake and unstake, the expected and limit price (slippage: this value, else the setting), before confirming.',
  ),
  'wallet.submit': method(
    z.object({ name: Name, call: WalletCall }).strict(),
    z.object({ id: z.number().int().positive() }),
    'Sign with the unlocked coldkey and submit; status follows as wallet.extrinsic events with this activity id.',
  ),
  'wallet.lock': method(z.object({ name: Name.optional() }).strict(), z.object({ locked: z.array(Name) }), 'Wipe an unlocked coldkey (or all) now.'),
  'wallet.setDirectory': method(z.object({ path: z.string().min(1).max(4096) }).strict(), WalletList, 'Use another btcli wallets folder (e.g. ~/.bittensor/wallets).'),
  'wallet.import': method(
    z.object({ path: z.string().min(1).max(4096) }).strict(),
    z.object({ imported: z.array(Name), skipped: z.array(z.object({ name: z.string(), reason: z.string() })) }),
    'Copy the wallets of another btcli wallets folder into the current one (never overwrites).',
  ),
  'wallet.activity': method(
    z.object({ name: Name.optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    z.array(ActivityEntry),
    'Wallet activity history, newest first.',
  ),
}

export const walletEvents = {
  'wallet.changed': event(WalletList, 'Wallets were created, changed or the folder moved.'),
  'wallet.unlockProgress': event(UnlockProgress, 'Progress of a coldkey unlock (password hashing takes seconds).'),
  'wallet.lockChanged': event(z.object({ wallet: Name, unlockedUntil: z.number().nullable() }), 'A coldkey was unlocked or locked.'),
  'wallet.activity': event(ActivityEntry, 'A wallet activity entry was recorded or updated.'),
  'wallet.extrinsic': event(ExtrinsicEvent, 'Status of a transfer, stake or unstake: signing, submitted, ready, inBlock, finalized or failed.'),
}

/** Methods whose PARAMS may carry a secret typed by the user (password or phrase to restore). */
export const SECRET_PARAM_METHODS: readonly string[] = ['wallet.create', 'wallet.newHotkey', 'wallet.regen', 'wallet.unlock', 'wallet.confirmBackup']
/**
 * The methods whose RESULT may carry a secret: the single-use reveal of a new phrase, and a new or
 * rotated subnet-API key, which the operator must see once to hand to a customer (only its hash is
 * kept). Wallet keys never appear in a result.
 */
export const SECRET_RESULT_METHODS: readonly string[] = ['wallet.revealMnemonic', 'subnetApi.keys.create', 'subnetApi.keys.rotate']

export interface PasswordStrength {
  readonly score: number
  readonly ok: boolean
  readonly problems: readonly string[]
}

/**
 * btcli's password rule: at least 6 characters and a score of at least 20 from the `passwords`
 * crate's scorer (its analyzer: character classes, repeats, progressions). Reimplemented here;
 * without the crate's optional common-password list.
 */
export function passwordStrength(password: string): PasswordStrength {
  const chars = [...password].filter((c) => {
    const code = c.codePointAt(0)!
    return code > 0x1f && code !== 0x7f
  })
  const length = chars.length
  let spaces = 0
  let numbers = 0
  let lower = 0
  let upper = 0
  let symbols = 0
  let other = 0
  let consecutive = 0
  let progressive = 0
  let lastCode = Number.MAX_SAFE_INTEGER
  let lastStep = Number.MAX_SAFE_INTEGER
  let stepRun = false
  let stepRepeat = false
  let codeRun = false
  const counts = new Map<string, number>()
  for (const c of chars) {
    const code = c.codePointAt(0)!
    counts.set(c, (counts.get(c) ?? 0) + 1)
    if (code === lastCode) {
      consecutive += codeRun ? 1 : 2
      codeRun = true
      stepRun = false
    } else {
      codeRun = false
      const step = lastCode - code
      lastCode = code
      if (step === lastStep) {
        if (stepRun) progressive += 1
        else {
          stepRun = true
          progressive += stepRepeat ? 2 : 3
          stepRepeat = true
        }
      } else {
        lastStep = step
        if (stepRun) stepRun = false
        else stepRepeat = false
      }
    }
    if (code >= 48 && code <= 57) numbers++
    else if (code >= 65 && code <= 90) upper++
    else if (code >= 97 && code <= 122) lower++
    else if (code === 32) spaces++
    else if ((code >= 33 && code <= 47) || (code >= 58 && code <= 64) || (code >= 91 && code <= 96) || (code >= 123 && code <= 126)) symbols++
    else other++
  }
  let repeated = 0
  for (const n of counts.values()) if (n > 1) repeated += n
  const nonConsecutive = repeated - consecutive
  const base = length - other
  const table = [0, 2, 5, 9, 16, 25, 40, 58, 80, 88, 95, 100]
  const max = base <= 11 ? table[base]! : 100 + length - 11
  let score = max
  if (score > 0) {
    if (spaces >= 1) score += spaces
    if (numbers === 0) score -= max * 0.05
    if (lower === 0) score -= max * 0.1
    if (upper === 0) score -= max * 0.1
    if (spaces === 0) score -= max * 0.1
    if (lower >= 1 && upper >= 1) score += 1
    if (symbols >= 1) score += 1
    score -= max * (consecutive / length / 5)
    score -= max * (progressive / length / 5)
    score -= max * (nonConsecutive / length / 10)
  }
  score = Math.min(Math.max(score, 0), max) + other * 20
  score = Math.min(score, 100)
  const problems: string[] = []
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push(`Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  if (score < MIN_PASSWORD_SCORE) problems.push('Too easy to guess: make it longer, mix upper and lower case, digits and symbols, avoid repeats and sequences.')
  return { score: Math.round(score * 10) / 10, ok: problems.length === 0, problems }
}

/** Terminal flags the engine names in its messages, and where the same setting lives in the app. */
const FLAG_TO_FIELD: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?:with |use |pass )?`?--external-ip`?/g, 'in the Public IP field of the Miner page'],
  [/(?:with |use |pass )?`?--metrics-port`?/g, 'in the miner settings'],
  [/(?:with |use |pass )?`?--port`?/g, 'in the Axon port field'],
  [/(?:with |use |pass )?`?--wallets-dir`?/g, 'on the Wallet page'],
]

/**
 * An engine message as the app shows it: no command-line flags (the engine's messages are shared
 * with the CLI) and no doubled full stops where a detail ending in "." was joined to another.
 */
export function guiText(message: string): string {
  let out = message
  for (const [flag, field] of FLAG_TO_FIELD) out = out.replace(flag, field)
  return out.replace(/(?<!\.)\.\.(?!\.)/g, '.').replace(/\s{2,}/g, ' ')
}

import { passwordStrength } from './wallet'
import type { PasswordStrength } from './wallet'

export const COMMON_PASSWORD_PROBLEM = 'This is one of the most common passwords (found in leaked-password lists); pick something nobody else uses.'

/** Whether `password` is on a list of common passwords (compared trimmed and in lower case too). */
export function isListedPassword(list: ReadonlySet<string>, password: string): boolean {
  const p = password.trim()
  return list.has(p) || list.has(p.toLowerCase())
}

/** zxcvbn-ts's list of common passwords (about 49,000), loaded on first use: it is large. */
export async function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  const { dictionary } = await import('@zxcvbn-ts/language-common')
  return new Set(dictionary['passwords-common'])
}

/**
 * The rule for a NEW coldkey password, as the engine applies it on create and as the wizard's
 * meter shows it while the user types: btcli's strength rule, and not a common password. A common
 * password scores at most 10 so that the meter never calls it strong. `common` is null while the
 * list is loading (the meter then shows btcli's rule only).
 */
export function newPasswordVerdict(password: string, common: ReadonlySet<string> | null): PasswordStrength {
  const strength = passwordStrength(password.trim())
  if (!password || !common || !isListedPassword(common, password)) return strength
  return { score: Math.min(strength.score, 10), ok: false, problems: [...strength.problems, COMMON_PASSWORD_PROBLEM] }
}

export function shortAddress(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-6)}` : address
}

/** "Word 10 of the coldkey does not match." / "Words 3 of the coldkey and 7 of the hotkey do not match." */
export function mismatchText(wrong: ReadonlyArray<{ role: string; position: number }>): string {
  const parts = wrong.map((w) => `${w.position} of the ${w.role}`)
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}` : (parts[0] ?? '')
  const verb = parts.length > 1 ? 'do not match' : 'does not match'
  return `Word${parts.length > 1 ? 's' : ''} ${list} ${verb}. Compare ${parts.length > 1 ? 'them' : 'it'} with what you wrote down.`
}

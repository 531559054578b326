/**
 * Where a top-level key's value lies in the bytes of a JSON object, so that the axon can echo a
 * request's texts (0.3 MB for 256 SN5 texts) by reference to the bytes it received instead of
 * re-printing them: JSON.stringify of 256 texts costs about 2 ms of the axon's main thread.
 *
 * Only for bytes JSON.parse has already accepted (the scan does not validate). String contents
 * are skipped with Buffer.indexOf, so the cost is per string, not per byte.
 */

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Index of the quote closing the string that opens at `open`. */
function stringEnd(raw: Buffer, open: number): number {
  let at = raw.indexOf(QUOTE, open + 1)
  for (;;) {
    let slashes = 0
    while (raw[at - 1 - slashes] === BACKSLASH) slashes++
    if (slashes % 2 === 0) return at
    at = raw.indexOf(QUOTE, at + 1)
  }
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

/**
 * `[start, end)` of the value of top-level key `key` in the JSON object `raw`, as JSON.parse
 * reads it (the last of duplicate keys wins there too); undefined if the key is not there.
 */
export function topLevelValueSpan(raw: Buffer, key: string): readonly [number, number] | undefined {
  let depth = 0
  let found: [number, number] | undefined
  let lastKey: string | undefined
  let valueStart = -1
  let current: string | undefined
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (c === QUOTE) {
      const end = stringEnd(raw, i)
      // A top-level key: a string at depth 1 not inside a value.
      if (depth === 1 && valueStart < 0) {
        const text = raw.toString('utf8', i + 1, end)
        lastKey = text.includes('\\') ? (JSON.parse(`"${text}"`) as string) : text
      }
      i = end
    } else if (c === 0x3a /* : */ && depth === 1 && valueStart < 0) {
      valueStart = i + 1
      current = lastKey
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++
    } else if ((c === 0x2c /* , */ && depth === 1) || ((c === 0x7d /* } */ || c === 0x5d) /* ] */ && --depth === 0)) {
      if (valueStart >= 0 && current === key) {
        let start = valueStart
        let end = i
        while (isSpace(raw[start])) start++
        while (isSpace(raw[end - 1])) end--
        found = [start, end]
      }
      valueStart = -1
      if (depth === 0) return found
    }
  }
  return found
}

import { LIMITS, malformed } from '../protocol'

/** Decodes one text frame from a byte transport; never throws. */
export function decodeFrame(data: string): unknown {
  if (data.length > LIMITS.maxFrameBytes) return malformed(`frame larger than ${LIMITS.maxFrameBytes} bytes`)
  try {
    return JSON.parse(data) as unknown
  } catch {
    return malformed('frame is not valid JSON')
  }
}

export function encodeFrame(message: unknown): string {
  return JSON.stringify(message)
}

import { z } from 'zod'

/**
 * Closed set of error codes that cross the UI/engine boundary. Messages are written for the
 * user: what happened, and what to do next. Internal details stay in the engine log.
 */
export const ErrorCode = z.enum([
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'INVALID_PARAMS',
  'INVALID_RESULT',
  'BUSY',
  'TIMEOUT',
  'DISCONNECTED',
  'NOT_FOUND',
  'INTERNAL',
  'MODEL_INVALID',
  'DOWNLOAD_FAILED',
  'NO_SPACE',
  'WRONG_PASSWORD',
  'LOCKED',
  'ALREADY_EXISTS',
  'OUT_OF_MEMORY',
])
export type ErrorCode = z.infer<typeof ErrorCode>

export const FieldIssue = z.object({ path: z.string(), message: z.string() })
export type FieldIssue = z.infer<typeof FieldIssue>

export const RpcErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  issues: z.array(FieldIssue).optional(),
})
export type RpcErrorBody = z.infer<typeof RpcErrorBody>

/** The one error type thrown across the boundary; handlers throw it for expected failures. */
export class EngineError extends Error {
  readonly code: ErrorCode
  readonly issues: readonly FieldIssue[] | undefined

  constructor(code: ErrorCode, message: string, issues?: readonly FieldIssue[]) {
    super(message)
    this.name = 'EngineError'
    this.code = code
    this.issues = issues
  }

  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: [...this.issues] } : {}) }
  }
}

/** Turns a zod error into field issues whose paths a user can read ("limit", "levels.0"). */
export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }))
}

export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ')
}

import type { z } from 'zod'

/** What zod's default/optional/nullable wrappers share: the schema they wrap. */
interface Wrapper {
  unwrap(): unknown
}
interface NumberBounds {
  readonly minValue: number | null
  readonly maxValue: number | null
}

function innermost(field: unknown): unknown {
  let s = field
  while (typeof (s as Partial<Wrapper>).unwrap === 'function') s = (s as Wrapper).unwrap()
  return s
}

/** A field's default from the contract schema, so a form starts where the engine would. */
export function defaultOf<T extends z.ZodType>(field: z.ZodDefault<T>): z.output<T> {
  return field.def.defaultValue as z.output<T>
}

/** A number field's range from the contract schema, spread into a NumberInput (`{...boundsOf(f)}`). */
export function boundsOf(field: z.ZodType): { min?: number; max?: number } {
  const s = innermost(field) as Partial<NumberBounds>
  const safe = (v: number | null | undefined): number | undefined => (typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined)
  const out: { min?: number; max?: number } = {}
  const min = safe(s.minValue)
  const max = safe(s.maxValue)
  if (min !== undefined) out.min = min
  if (max !== undefined) out.max = max
  return out
}

/**
 * Wraps a handler so that whatever it throws is turned into the caller's error type first
 * (services turn chain and file errors into EngineErrors the user can act on).
 */
export function translateErrors(translate: (error: unknown) => unknown) {
  return <A extends unknown[], R>(fn: (...args: A) => R | Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args)
      } catch (error) {
        throw translate(error)
      }
    }
}

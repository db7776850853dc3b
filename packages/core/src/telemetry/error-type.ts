/**
 * What a failure is called in spans and metrics: its stable `code`, else its class name — never
 * its message, which may quote a server's text.
 */

/** The `error.type` of `error`. Throws nothing. */
export function errorTypeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return error instanceof Error ? error.name : 'Error';
}

/** Whether a failure may have reached the server (`mayHaveBeenSent`, false when absent). */
export function mayHaveBeenSent(error: unknown): boolean {
  return (error as { mayHaveBeenSent?: unknown } | null)?.mayHaveBeenSent === true;
}

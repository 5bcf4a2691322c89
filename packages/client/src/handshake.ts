import { type ErrorMessage, type HelloMessage, HeraldError } from '@herald/protocol';

/** The `hello` that opens every connection, shared by the client and the upgrade probe. */
export const helloMessage = (token: string | undefined): HelloMessage => ({
  type: 'hello',
  client: '@herald/client',
  ...(token ? { token } : {}),
});

/** `closed (code: reason)`, how the client and the upgrade probe describe a close. */
export const closedText = (code: number, reason: string): string =>
  `closed (${code}${reason ? `: ${reason}` : ''})`;

/** The hub's `error` reply as the HeraldError a caller gets. */
export const replyError = (m: ErrorMessage): HeraldError =>
  new HeraldError(m.code, m.message, { retryable: m.retryable });

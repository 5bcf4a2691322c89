import { checkChannel, HeraldError } from '@herald/protocol';

/** Throws `ERR_BAD_CHANNEL` unless `channel` is a valid channel name (the protocol's rule). */
export function assertChannel(channel: string): void {
  const invalid = checkChannel(channel);
  if (invalid) throw new HeraldError(invalid.code, invalid.message);
}

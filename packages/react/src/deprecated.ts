import type { GapInfo } from '@herald/client';

/**
 * A hole the hub could not fill: events between `last` and `lastSeq` are gone; refetch if you need them.
 * @deprecated Use `GapInfo` (exported here and by `@herald/client`), the same shape under the client's name.
 */
export type ChannelGap = GapInfo;

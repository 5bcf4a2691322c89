import { useInvalidateOnEvent } from '@herald/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { hubUrl } from '../client.js';

interface HistoryInfo {
  readonly epoch: string;
  readonly first_seq: number;
  readonly last_seq: number;
}

/** Events that change what the hub has stored for a run and so warrant a refetch. */
const REFRESH_ON = ['run.started', 'node.end', 'node.fail', 'run.completed'];

/**
 * What the hub has stored for a channel (`GET /v1/channels/{channel}/events`), fetched with React Query
 * and refetched when live events arrive (`useInvalidateOnEvent`): the pattern MeatyMusic uses to keep
 * REST-backed views fresh without polling.
 */
export function HubHistory({ channel }: { readonly channel: string }): ReactNode {
  const queryClient = useQueryClient();
  const queryKey = ['hub-history', channel] as const;
  const { data, isError } = useQuery({
    queryKey,
    queryFn: async ({ signal }): Promise<HistoryInfo> => {
      const url = `${hubUrl()}/v1/channels/${encodeURIComponent(channel)}/events?after=0&limit=1`;
      const res = await fetch(url, { signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return (await res.json()) as HistoryInfo;
    },
  });
  useInvalidateOnEvent(queryClient, channel, { types: REFRESH_ON, queryKeys: [queryKey] });

  if (isError) return <span>Hub history unavailable</span>;
  if (data === undefined) return <span>Hub history…</span>;
  if (data.last_seq === 0) return <span>Nothing stored yet</span>;
  return (
    <span title={`Epoch ${data.epoch}`}>
      Stored on hub: seq {data.first_seq}–{data.last_seq}
    </span>
  );
}

import { type ChannelStateSnapshot, getChannelStateStore, IDLE_STATE } from '@herald/client/store';
import {
  type CollectionView,
  type JobState,
  type JobView,
  type JsonValue,
  jobView,
  readCollection,
  readJob,
} from '@herald/protocol';
import { type ComputedRef, computed, onScopeDispose, type ShallowRef, shallowRef, toValue, watch } from 'vue';
import { type ClientOption, useHeraldClient } from './context.js';
import { useExternalStore } from './external-store.js';
import type { ChannelSource } from './use-channel-store.js';

/** The channel's state snapshot as a readonly shallow ref, from the shared state store. */
function useStateRef(
  channel: ChannelSource,
  options: ClientOption,
): Readonly<ShallowRef<ChannelStateSnapshot>> {
  const client = useHeraldClient(options.client);
  return useExternalStore(
    () => {
      const name = toValue(channel);
      return name === null || name === undefined ? null : getChannelStateStore(client, name);
    },
    () => IDLE_STATE,
  );
}

/**
 * The state document of `channel` (a name, a ref or a getter), kept by the hub: a snapshot when it
 * subscribes, then each event's state operations, in the shared state store of `@herald/client/store`
 * (the one `@herald/react` uses). The ref holds `{state, epoch, seq, status, error}` and changes at most
 * once per animation frame; without a channel it holds the empty state.
 */
export function useChannelState(
  channel: ChannelSource,
  options: ClientOption = {},
): Readonly<ShallowRef<ChannelStateSnapshot>> {
  return useStateRef(channel, options);
}

/** Options of {@link useJob}. */
export interface UseJobOptions extends ClientOption {
  /**
   * Called once when the job is done (completed, failed or cancelled), with its final state: once per job
   * for the life of the calling scope, whatever reconnects or fresh snapshots happen (also when it was
   * already done). A job published again (new `createdAt` or epoch) is reported again.
   * @default none
   */
  readonly onDone?: (job: JobState) => void;
}

/** What {@link useJob} returns: `jobView` of the channel's state, and where it stands. */
export interface JobRefs {
  /** Steps in order, overall progress, `isDone`, the running step and the job itself (`jobView`). */
  readonly view: ComputedRef<JobView>;
  /** True until the state at the channel's position is known. */
  readonly loading: ComputedRef<boolean>;
}

/**
 * The job whose state `channel` carries (the job vocabulary of PROTOCOL.md), derived by `jobView` of
 * `@herald/protocol` exactly as `@herald/react`'s `useJob` does.
 */
export function useJob(channel: ChannelSource, options: UseJobOptions = {}): JobRefs {
  const snapshot = useStateRef(channel, options);
  const view = computed(() => jobView(snapshot.value.state));
  const loading = computed(() => snapshot.value.status === 'loading');
  const reported = new Set<string>();
  const stop = watch(
    [view, loading],
    ([current, waiting]) => {
      const name = toValue(channel);
      if (!current.isDone || waiting || name === null || name === undefined) return;
      const key = `${name}\u0000${snapshot.value.epoch ?? ''}\u0000${current.job.createdAt ?? ''}`;
      if (reported.has(key)) return;
      reported.add(key);
      options.onDone?.(current.job);
    },
    { immediate: true },
  );
  onScopeDispose(stop);
  return { view, loading };
}

/**
 * The named output of the job on `channel` (`outputs/<name>`: streamed LLM tokens, a log) as one string;
 * the ref changes at most once per animation frame however fast appends arrive.
 */
export function useJobOutput(
  channel: ChannelSource,
  name: string,
  options: ClientOption = {},
): ComputedRef<string> {
  const snapshot = useStateRef(channel, options);
  return computed(() => readJob(snapshot.value.state).outputs[name] ?? '');
}

/**
 * The keyed collection on `channel` (PROTOCOL.md, "Collections") read by `readCollection`: entries in the
 * order their keys were first set; an entry whose TTL passed disappears on time, even before the hub's
 * removal event.
 */
export function useCollection<T = JsonValue>(
  channel: ChannelSource,
  options: ClientOption = {},
): ComputedRef<CollectionView<T>> {
  const snapshot = useStateRef(channel, options);
  const now = shallowRef(Date.now());
  const view = computed(() => readCollection<T>(snapshot.value.state, now.value));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = watch(
    () => view.value.nextExpiryAt,
    (next) => {
      clearTimeout(timer);
      if (next === null) return;
      timer = setTimeout(
        () => {
          now.value = Date.now();
        },
        Math.max(0, next - Date.now()) + 1,
      );
    },
    { immediate: true },
  );
  onScopeDispose(() => {
    stop();
    clearTimeout(timer);
  });
  return view;
}

import type { JsonValue, StateOp } from '@herald/protocol';
import type { ScenarioContext } from '../context.js';
import { type GenerationEntry, generationEntryOps } from './collections.js';
import {
  clipCompletedOps,
  clipFailedOps,
  clipProgressOps,
  encodingProgressOps,
  encodingStartedOps,
  generationCompletedOps,
  generationStartedOps,
} from './generation-job.js';

/** The index channel announcing every generation job; its state is the `generations` collection. */
export const GENERATIONS_CHANNEL = 'generations';

/** The channel carrying one generation job's progress. */
export function generationChannel(generationId: string): string {
  return `generation:${generationId}`;
}

/** Options for {@link publishGenerationJob}. */
export interface GenerationJobOptions {
  /** @default a random `gen_xxxxxxxx` */
  readonly generationId?: string;
  /** Number of clips to generate. @default 3–6 */
  readonly totalClips?: number;
  /** Whether the job fails (with an `error` event) during clip generation. @default 1-in-7 chance */
  readonly fail?: boolean;
}

/** How a generation job ended. */
export interface GenerationJobResult {
  readonly generationId: string;
  readonly channel: string;
  readonly status: 'completed' | 'failed' | 'stopped';
  readonly events: number;
}

const PROMPTS = [
  'A drone shot over a foggy coastal town at sunrise, cinematic',
  'Product teaser: matte black headphones rotating on a marble plinth',
  'Time-lapse of a night market opening, warm lantern light',
  'Hand-drawn style explainer of a solar-powered water pump',
  'Slow-motion espresso pour with latte art, studio lighting',
] as const;

const STEPS = ['generating_clips', 'upscaling', 'adding_audio'] as const;

/**
 * Publishes one video generation job on `generation:<id>`: `status_change` (queued → processing →
 * encoding → completed/failed), `progress` per step and clip, `clip_completed`, `encoding_progress` with
 * an ETA, then `completed` or `error`. Announced on `generations` when it starts and ends. Each event
 * carries the job vocabulary's state operations (`generation-job.ts`), and the announcements keep the
 * job's entry in the `generations` collection.
 */
export async function publishGenerationJob(
  ctx: ScenarioContext,
  options: GenerationJobOptions = {},
): Promise<GenerationJobResult> {
  const { dice, pacer, publisher } = ctx;
  const generationId = options.generationId ?? `gen_${dice.hex(8)}`;
  const channel = generationChannel(generationId);
  const totalClips = options.totalClips ?? dice.int(3, 6);
  const fail = options.fail ?? dice.chance(1 / 7);
  const failAtClip = fail ? dice.int(1, totalClips) : Number.POSITIVE_INFINITY;
  const prompt = dice.pick(PROMPTS);
  const startedAt = Date.now();
  let published = 0;
  let videoMs = 0;
  let status = 'queued';
  const emit = async (type: string, data: JsonValue, state?: StateOp[]): Promise<void> => {
    await publisher.publish(channel, [state ? { type, data, state } : { type, data }]);
    published++;
  };
  const changeStatus = async (next: string, message: string, state?: StateOp[]): Promise<void> => {
    await emit(
      'status_change',
      { generation_id: generationId, old_status: status, new_status: next, message },
      state,
    );
    status = next;
  };
  const result = (s: GenerationJobResult['status']): GenerationJobResult => ({
    generationId,
    channel,
    status: s,
    events: published,
  });
  const entry: GenerationEntry = {
    generationId,
    channel,
    prompt,
    totalClips,
    status: 'processing',
    startedAt: new Date(startedAt).toISOString(),
  };
  const announceEnd = (s: 'completed' | 'failed'): Promise<unknown> =>
    publisher.publish(GENERATIONS_CHANNEL, [
      {
        type: 'generation.finished',
        data: { generation_id: generationId, channel, status: s },
        state: generationEntryOps({ ...entry, status: s }),
      },
    ]);

  const started = { generation_id: generationId, prompt, total_clips: totalClips, aspect_ratio: '16:9' };
  await publisher.publish(GENERATIONS_CHANNEL, [
    { type: 'generation.started', data: { ...started, channel }, state: generationEntryOps(entry) },
  ]);
  await changeStatus(
    'processing',
    'Picked up by worker gpu-a10g-03',
    generationStartedOps(totalClips, started),
  );

  for (let clip = 1; clip <= totalClips; clip++) {
    for (const [i, step] of STEPS.entries()) {
      if (!(await pacer.sleep(dice.between(500, 1200)))) return result('stopped');
      const percentage = Math.round(
        (((clip - 1) * STEPS.length + i + 1) / (totalClips * STEPS.length)) * 100,
      );
      const message = `Clip ${clip}/${totalClips}: ${step.replace('_', ' ')}`;
      await emit(
        'progress',
        {
          generation_id: generationId,
          step,
          clip,
          clip_number: clip,
          total_clips: totalClips,
          percentage,
          message,
        },
        clipProgressOps(clip, i, STEPS.length, percentage, message),
      );
      if (clip === failAtClip && i === 1) {
        const error = {
          code: 'PROVIDER_TIMEOUT',
          message: `Video model timed out on clip ${clip}`,
          recoverable: true,
        };
        await emit('error', { generation_id: generationId, ...error, clip }, clipFailedOps(clip, error));
        await changeStatus('failed', 'Generation failed; retry is safe');
        await announceEnd('failed');
        return result('failed');
      }
    }
    const clipId = `clip_${dice.hex(6)}`;
    const clipMs = dice.int(3000, 6000);
    videoMs += clipMs;
    const url = `https://cdn.lotus.example/clips/${clipId}.mp4`;
    const thumbnailUrl = `https://cdn.lotus.example/clips/${clipId}.jpg`;
    await emit(
      'clip_completed',
      {
        generation_id: generationId,
        clip,
        clip_id: clipId,
        total_clips: totalClips,
        url,
        thumbnail_url: thumbnailUrl,
        duration_ms: clipMs,
      },
      clipCompletedOps(clip, { url, thumbnailUrl, clipId, durationMs: clipMs }),
    );
  }

  const encodingMessage = 'Composing clips and encoding H.264';
  await changeStatus('encoding', encodingMessage, encodingStartedOps(encodingMessage));
  const totalFrames = totalClips * dice.int(110, 150);
  const ticks = 5;
  for (let tick = 1; tick <= ticks; tick++) {
    if (!(await pacer.sleep(dice.between(600, 1100)))) return result('stopped');
    const frames = Math.round((totalFrames * tick) / ticks);
    const etaSeconds = Math.round((ticks - tick) * 0.85);
    // The ETA in the job state is a wall-clock time, so a view's countdown matches the demo's pace.
    const etaAt = new Date(Date.now() + (etaSeconds * 1000) / pacer.speed).toISOString();
    await emit(
      'encoding_progress',
      {
        generation_id: generationId,
        frames,
        frames_processed: frames,
        total_frames: totalFrames,
        eta_seconds: etaSeconds,
        percentage: Math.round((frames / totalFrames) * 100),
      },
      encodingProgressOps(frames, totalFrames, etaAt),
    );
  }
  const videoId = `vid_${dice.hex(8)}`;
  const video = {
    url: `https://cdn.lotus.example/videos/${videoId}.mp4`,
    thumbnailUrl: `https://cdn.lotus.example/videos/${videoId}.jpg`,
    durationMs: videoMs,
  };
  await emit(
    'completed',
    {
      generation_id: generationId,
      url: video.url,
      thumbnail_url: video.thumbnailUrl,
      duration_ms: videoMs,
      elapsed_ms: Math.round((Date.now() - startedAt) * pacer.speed),
    },
    generationCompletedOps(video),
  );
  await changeStatus('completed', 'Video ready');
  await announceEnd('completed');
  return result('completed');
}

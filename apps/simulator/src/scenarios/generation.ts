import type { JsonValue } from '@herald/protocol';
import type { ScenarioContext } from '../context.js';

/** The index channel announcing every generation job. */
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
 * an ETA, then `completed` or `error`. Announced on `generations` when it starts and ends.
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
  const emit = async (type: string, data: JsonValue): Promise<void> => {
    await publisher.publish(channel, [{ type, data }]);
    published++;
  };
  const changeStatus = async (next: string, message: string): Promise<void> => {
    await emit('status_change', {
      generation_id: generationId,
      old_status: status,
      new_status: next,
      message,
    });
    status = next;
  };
  const result = (s: GenerationJobResult['status']): GenerationJobResult => ({
    generationId,
    channel,
    status: s,
    events: published,
  });
  const announceEnd = (s: 'completed' | 'failed'): Promise<unknown> =>
    publisher.publish(GENERATIONS_CHANNEL, [
      { type: 'generation.finished', data: { generation_id: generationId, channel, status: s } },
    ]);

  await publisher.publish(GENERATIONS_CHANNEL, [
    {
      type: 'generation.started',
      data: { generation_id: generationId, channel, prompt, total_clips: totalClips, aspect_ratio: '16:9' },
    },
  ]);
  await changeStatus('processing', 'Picked up by worker gpu-a10g-03');

  for (let clip = 1; clip <= totalClips; clip++) {
    for (const [i, step] of STEPS.entries()) {
      if (!(await pacer.sleep(dice.between(500, 1200)))) return result('stopped');
      const percentage = Math.round(
        (((clip - 1) * STEPS.length + i + 1) / (totalClips * STEPS.length)) * 100,
      );
      await emit('progress', {
        generation_id: generationId,
        step,
        clip,
        clip_number: clip,
        total_clips: totalClips,
        percentage,
        message: `Clip ${clip}/${totalClips}: ${step.replace('_', ' ')}`,
      });
      if (clip === failAtClip && i === 1) {
        await emit('error', {
          generation_id: generationId,
          code: 'PROVIDER_TIMEOUT',
          message: `Video model timed out on clip ${clip}`,
          recoverable: true,
          clip,
        });
        await changeStatus('failed', 'Generation failed; retry is safe');
        await announceEnd('failed');
        return result('failed');
      }
    }
    const clipId = `clip_${dice.hex(6)}`;
    const clipMs = dice.int(3000, 6000);
    videoMs += clipMs;
    await emit('clip_completed', {
      generation_id: generationId,
      clip,
      clip_id: clipId,
      total_clips: totalClips,
      url: `https://cdn.lotus.example/clips/${clipId}.mp4`,
      thumbnail_url: `https://cdn.lotus.example/clips/${clipId}.jpg`,
      duration_ms: clipMs,
    });
  }

  await changeStatus('encoding', 'Composing clips and encoding H.264');
  const totalFrames = totalClips * dice.int(110, 150);
  const ticks = 5;
  for (let tick = 1; tick <= ticks; tick++) {
    if (!(await pacer.sleep(dice.between(600, 1100)))) return result('stopped');
    const frames = Math.round((totalFrames * tick) / ticks);
    await emit('encoding_progress', {
      generation_id: generationId,
      frames,
      frames_processed: frames,
      total_frames: totalFrames,
      eta_seconds: Math.round((ticks - tick) * 0.85),
      percentage: Math.round((frames / totalFrames) * 100),
    });
  }
  const videoId = `vid_${dice.hex(8)}`;
  await emit('completed', {
    generation_id: generationId,
    url: `https://cdn.lotus.example/videos/${videoId}.mp4`,
    thumbnail_url: `https://cdn.lotus.example/videos/${videoId}.jpg`,
    duration_ms: videoMs,
    elapsed_ms: Math.round((Date.now() - startedAt) * pacer.speed),
  });
  await changeStatus('completed', 'Video ready');
  await announceEnd('completed');
  return result('completed');
}

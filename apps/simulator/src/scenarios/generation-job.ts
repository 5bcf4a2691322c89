import { type JobError, type JsonValue, jobOps, type StateOp } from '@herald/protocol';

/**
 * The mapping from delicious-lotus's video-generation events to the job vocabulary: one step per clip and
 * one for encoding, overall progress (clips take the first 80 %, encoding the rest) with the encoder's
 * frames and ETA, clips and the final video as artifacts, a recoverable error when a provider times out.
 * The app's field names stay here, in the app that speaks them.
 */

/** The share of overall progress the clips take; encoding takes the rest. */
const CLIPS_SHARE = 0.8;
/** The encoding step's name. */
export const ENCODING_STEP = 'Encoding';

/** The step name of clip `n` (from 1). */
export const clipStep = (n: number): string => `Clip ${n}`;

/** The plan: every clip, then encoding. */
export function generationPlan(totalClips: number): string[] {
  return [...Array.from({ length: totalClips }, (_, i) => clipStep(i + 1)), ENCODING_STEP];
}

/** The worker picked the job up: a job with the plan, started. */
export function generationStartedOps(totalClips: number, metadata: { [key: string]: JsonValue }): StateOp[] {
  return [...jobOps.create({ plan: generationPlan(totalClips), metadata }), ...jobOps.start()];
}

/** A `progress` report: sub-step `index` of `of` of clip `clip` is done; `percentage` covers the clips. */
export function clipProgressOps(
  clip: number,
  index: number,
  of: number,
  percentage: number,
  message: string,
): StateOp[] {
  const step = clipStep(clip);
  return [
    ...(index === 0 ? jobOps.stepStart(step) : []),
    ...jobOps.stepProgress(step, (index + 1) / of, message),
    ...jobOps.progress(round((percentage / 100) * CLIPS_SHARE), { message }),
  ];
}

/** `clip_completed`: the clip's step ends and the clip becomes an artifact. */
export function clipCompletedOps(
  clip: number,
  artifact: { url: string; thumbnailUrl: string; clipId: string; durationMs: number },
): StateOp[] {
  return [
    ...jobOps.stepEnd(clipStep(clip), { metadata: { clip_id: artifact.clipId } }),
    ...jobOps.artifact(`clip-${clip}`, {
      url: artifact.url,
      kind: 'video',
      label: `Clip ${clip}`,
      metadata: { thumbnail_url: artifact.thumbnailUrl, duration_ms: artifact.durationMs },
    }),
  ];
}

/** `error` during a clip: its step and the job fail. */
export function clipFailedOps(clip: number, error: JobError): StateOp[] {
  return [
    ...jobOps.stepEnd(clipStep(clip), { status: 'failed', message: error.message }),
    ...jobOps.fail(error),
  ];
}

/** `status_change` to encoding: the encoding step starts where the clips left overall progress. */
export function encodingStartedOps(message: string): StateOp[] {
  return [...jobOps.stepStart(ENCODING_STEP), ...jobOps.progress(CLIPS_SHARE, { message })];
}

/** `encoding_progress`: frames done of total, and when the encoder expects to finish. */
export function encodingProgressOps(frames: number, totalFrames: number, etaAt: string): StateOp[] {
  const fraction = totalFrames > 0 ? frames / totalFrames : 0;
  const message = `Frame ${frames} of ${totalFrames}`;
  return [
    ...jobOps.stepProgress(ENCODING_STEP, round(fraction), message),
    ...jobOps.progress(round(CLIPS_SHARE + (1 - CLIPS_SHARE) * fraction), { etaAt, message }),
    ...jobOps.metadata('frames', { done: frames, total: totalFrames }),
  ];
}

/** `completed`: encoding ends, the video is an artifact and the job's result. */
export function generationCompletedOps(video: {
  url: string;
  thumbnailUrl: string;
  durationMs: number;
}): StateOp[] {
  return [
    ...jobOps.stepEnd(ENCODING_STEP),
    ...jobOps.artifact('video', {
      url: video.url,
      kind: 'video',
      label: 'Final video',
      metadata: { thumbnail_url: video.thumbnailUrl, duration_ms: video.durationMs },
    }),
    ...jobOps.progress(1, { etaAt: null, message: 'Video ready' }),
    ...jobOps.complete({ url: video.url, duration_ms: video.durationMs }),
  ];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

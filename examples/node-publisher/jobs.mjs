// delicious-lotus video generation jobs (seed 003) written with createJobPublisher: one
// `generation:<jobId>` channel per job, whose state is a job with one step per clip and one for encoding,
// overall progress with the encoder's frames and ETA, the clips and the video as artifacts, and an error
// `{code, message, recoverable}` when it fails. Event ids are `<jobId>:<n>`, so a re-run stores nothing twice.
import { createJobPublisher } from '@herald/client/jobs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes one job. A job whose id contains "fail" ends with a non-recoverable error during its second
 * clip, as a failed generation would. Resolves with the number of events published.
 * @param {{ url: string, key?: string, jobId: string, clips?: number, frames?: number, delayMs?: number }} options
 */
export async function publishJob({ url, key, jobId, clips = 3, frames = 1200, delayMs = 0 }) {
  const fails = jobId.includes('fail');
  const plan = [...Array.from({ length: clips }, (_, i) => `Clip ${i + 1}`), 'Encoding'];
  const job = createJobPublisher({
    url,
    ...(key ? { token: key } : {}),
    channel: `generation:${jobId}`,
    plan,
    metadata: { generation_id: jobId, total_clips: clips },
    idPrefix: `${jobId}:`,
  });
  const pause = () => (delayMs > 0 ? sleep(delayMs) : Promise.resolve());
  let events = 0;
  const count = (promise) => {
    events++;
    return promise;
  };
  try {
    await count(job.create());
    count(job.start());
    for (let clip = 1; clip <= clips; clip++) {
      const step = job.step(`Clip ${clip}`);
      count(step.start());
      count(job.progress(((clip - 1) / clips) * 0.7, { message: `Generating clip ${clip} of ${clips}` }));
      await pause();
      if (fails && clip === 2) {
        count(step.end({ status: 'failed', message: 'Clip 2 timed out at the model' }));
        count(job.fail({ code: 'MODEL_TIMEOUT', message: 'Clip 2 timed out at the model', recoverable: false }));
        return events;
      }
      count(step.end({ metadata: { clip_id: `${jobId}-clip-${clip}` } }));
      count(
        job.artifact(`clip-${clip}`, {
          url: `https://cdn.example.invalid/${jobId}/clip-${clip}.mp4`,
          kind: 'video',
          label: `Clip ${clip}`,
          metadata: { thumbnail_url: `https://cdn.example.invalid/${jobId}/clip-${clip}.jpg`, duration_s: 4.5 },
        }),
      );
    }
    const encoding = job.step('Encoding');
    count(encoding.start());
    for (const share of [0.25, 0.5, 0.75, 1]) {
      await pause();
      const done = Math.round(frames * share);
      const etaAt = new Date(Date.now() + Math.round((1 - share) * 12_000)).toISOString();
      count(encoding.progress(share, `${done} / ${frames} frames`));
      count(job.progress(0.7 + share * 0.3, { etaAt, message: `Encoding: ${done} / ${frames} frames` }));
      count(job.metadata('frames', { done, total: frames }));
    }
    count(encoding.end());
    const video = `https://cdn.example.invalid/${jobId}/final.mp4`;
    count(job.artifact('video', { url: video, kind: 'video', label: 'Final video' }));
    count(job.complete({ video_url: video, duration_s: clips * 4.5 }));
    return events;
  } finally {
    await job.close();
  }
}

/**
 * Publishes several jobs side by side, as concurrent workers would. Resolves with the number of events.
 * @param {{ url: string, key?: string }} hub @param {string[]} jobIds @param {{ delayMs?: number }} [options]
 */
export async function publishJobs(hub, jobIds, { delayMs = 0 } = {}) {
  const counts = await Promise.all(jobIds.map((jobId) => publishJob({ ...hub, jobId, delayMs })));
  return counts.reduce((a, b) => a + b, 0);
}

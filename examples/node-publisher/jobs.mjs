// delicious-lotus video generation jobs (seed 003), one `generation:<jobId>` channel per job:
// status_change, progress (step, clip n of total, percentage), clip_completed, encoding_progress
// (frames, ETA), then completed with the video URL, or error { code, message, recoverable }.
// Ids are derived from the job and the step, so a re-run stores nothing twice.

/**
 * The events of one job. A job whose id contains "fail" ends with a non-recoverable error after its
 * second clip, as a failed generation would.
 * @param {string} jobId @param {{ clips?: number, frames?: number }} [options]
 */
export function jobEvents(jobId, { clips = 3, frames = 1200 } = {}) {
  const fails = jobId.includes('fail');
  const events = [];
  const add = (suffix, type, data) => events.push({ id: `${jobId}:${suffix}`, type, data });
  add('status:processing', 'status_change', {
    old_status: 'queued',
    new_status: 'processing',
    message: 'Generation started',
  });
  for (let clip = 1; clip <= clips; clip++) {
    add(`progress:${clip}`, 'progress', {
      step: 'generating_clips',
      clip_number: clip,
      total_clips: clips,
      percentage: Math.round(((clip - 1) / clips) * 70),
      message: `Generating clip ${clip} of ${clips}`,
    });
    if (fails && clip === 2) {
      add('error', 'error', { code: 'MODEL_TIMEOUT', message: 'Clip 2 timed out at the model', recoverable: false });
      add('status:failed', 'status_change', { old_status: 'processing', new_status: 'failed', message: 'Failed' });
      return events;
    }
    add(`clip:${clip}`, 'clip_completed', {
      clip_id: `${jobId}-clip-${clip}`,
      clip_number: clip, // not in seed 003's shape; lets @herald/react's useRunProgress list the clip
      thumbnail_url: `https://cdn.example.invalid/${jobId}/clip-${clip}.jpg`,
      duration: 4.5,
    });
  }
  add('status:encoding', 'status_change', { old_status: 'processing', new_status: 'encoding', message: 'Encoding' });
  for (const share of [0.25, 0.5, 0.75, 1]) {
    add(`encoding:${share * 100}`, 'encoding_progress', {
      percentage: 70 + Math.round(share * 30),
      frames_processed: Math.round(frames * share),
      total_frames: frames,
      estimated_remaining: Math.round((1 - share) * 12),
    });
  }
  add('completed', 'completed', {
    video_url: `https://cdn.example.invalid/${jobId}/final.mp4`,
    thumbnail_url: `https://cdn.example.invalid/${jobId}/poster.jpg`,
    duration: clips * 4.5,
  });
  add('status:completed', 'status_change', { old_status: 'encoding', new_status: 'completed', message: 'Done' });
  return events;
}

/**
 * Publishes several jobs side by side, interleaving their events as concurrent workers would.
 * @param {import('./herald.mjs').EventPublisher} publisher
 * @param {string[]} jobIds
 * @param {{ delayMs?: number }} [options]
 */
export async function publishJobs(publisher, jobIds, { delayMs = 0 } = {}) {
  const queues = jobIds.map((id) => ({ channel: `generation:${id}`, events: jobEvents(id) }));
  let published = 0;
  while (queues.some((q) => q.events.length > 0)) {
    for (const q of queues) {
      const event = q.events.shift();
      if (!event) continue;
      await publisher.publish(q.channel, event);
      published++;
    }
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return published;
}

import type { JsonValue, PublishInput, StateOp } from '@herald/protocol';
import type { ScenarioContext } from '../context.js';
import type { Dice } from '../random.js';
import { runEntryOps } from './collections.js';
import {
  GENRES,
  INSTRUMENTS,
  LINE_ENDINGS,
  LINE_OPENERS,
  SECTIONS,
  SONG_TITLES,
  VALIDATION_ISSUES,
} from './song-catalog.js';
import {
  lyricsTokenOps,
  lyricTokens,
  nodeEndOps,
  nodeFailOps,
  nodeStartOps,
  runCompletedOps,
  runStartedOps,
} from './workflow-job.js';

/** The MeatyMusic workflow nodes, in plan order. */
export const WORKFLOW_NODES = [
  'PLAN',
  'STYLE',
  'LYRICS',
  'PRODUCER',
  'COMPOSE',
  'VALIDATE',
  'FIX',
  'RENDER',
  'REVIEW',
] as const;

/** One MeatyMusic workflow node. */
export type WorkflowNode = (typeof WORKFLOW_NODES)[number];

/** The index channel that announces every run; its state is the `runs` collection (one entry per run). */
export const RUNS_CHANNEL = 'runs';

/** The channel carrying one run's node events. */
export function runChannel(runId: string): string {
  return `run:${runId}`;
}

/** Options for {@link publishWorkflowRun}. */
export interface WorkflowRunOptions {
  /** Run id; also names the channel `run:<id>`. @default a random `run_xxxxxxxx` */
  readonly runId?: string;
  /** @default a random title */
  readonly songTitle?: string;
  /** Whether the first VALIDATE misses its threshold and a FIX pass follows. @default 50% chance */
  readonly fixLoop?: boolean;
  /** Whether RENDER fails and ends the run as failed. @default 1-in-6 chance */
  readonly failAtRender?: boolean;
}

/** How a published run ended. */
export interface WorkflowRunResult {
  readonly runId: string;
  readonly channel: string;
  /** `stopped` when the simulator stopped mid-run. */
  readonly status: 'completed' | 'failed' | 'stopped';
  /** Events published on the run channel. */
  readonly events: number;
}

const VALIDATE_THRESHOLD = 0.8;
/** How often (demo ms) the LYRICS node sends the tokens it wrote since the last send. */
const TOKEN_TICK_MS = 60;

/**
 * Publishes one complete workflow run: `run.started` on `runs` and `run:<id>`, then `node.start` and
 * `node.end`/`node.fail` per node (with a VALIDATE → FIX → VALIDATE loop when the first validation
 * misses its threshold), then `run.completed` on both channels. Each run event carries the job
 * vocabulary's state operations (`workflow-job.ts`), LYRICS streams its text token by token
 * (`lyrics.token` events appending to `outputs/lyrics`), and the `runs` events keep the run's entry in the
 * `runs` collection.
 */
export async function publishWorkflowRun(
  ctx: ScenarioContext,
  options: WorkflowRunOptions = {},
): Promise<WorkflowRunResult> {
  const { dice, pacer, publisher } = ctx;
  const runId = options.runId ?? `run_${dice.hex(8)}`;
  const channel = runChannel(runId);
  const fixLoop = options.fixLoop ?? dice.chance(0.5);
  const failAtRender = options.failAtRender ?? dice.chance(1 / 6);
  const song = createSong(dice, options.songTitle);
  const startedAt = Date.now();
  let published = 0;
  const emit = async (type: string, data: JsonValue, state?: StateOp[]): Promise<void> => {
    await publisher.publish(channel, [state ? { type, data, state } : { type, data }]);
    published++;
  };
  const result = (status: WorkflowRunResult['status']): WorkflowRunResult => ({
    runId,
    channel,
    status,
    events: published,
  });

  const announce = { run_id: runId, channel, song_title: song.title, genre: song.genre.genre };
  const entry = {
    runId,
    channel,
    songTitle: song.title,
    genre: song.genre.genre,
    status: 'running' as const,
    progress: 0,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: null,
    failedNode: null,
  };
  await publisher.publish(RUNS_CHANNEL, [{ type: 'run.started', data: announce, state: runEntryOps(entry) }]);
  const started = {
    run_id: runId,
    song_id: `song_${dice.hex(6)}`,
    song_title: song.title,
    genre: song.genre.genre,
    global_seed: dice.int(1, 2 ** 31),
  };
  await emit(
    'run.started',
    { ...started, nodes: [...WORKFLOW_NODES] },
    runStartedOps(WORKFLOW_NODES, started),
  );

  const steps = planSteps(fixLoop);
  let nodesDone = 0;
  for (const [index, step] of steps.entries()) {
    if (!(await pacer.sleep(dice.between(150, 400)))) return result('stopped');
    const base = {
      run_id: runId,
      node: step.node,
      node_index: WORKFLOW_NODES.indexOf(step.node),
      step: index + 1,
      attempt: step.attempt,
    };
    await emit(
      'node.start',
      { ...base, phase: 'start', duration_ms: 0, metrics: {}, scores: {}, issues: [], artifacts: {} },
      nodeStartOps(step.node),
    );
    const durationMs = Math.round(dice.between(600, 2000));
    const worked = step.node === 'LYRICS' ? await streamLyrics(durationMs) : await pacer.sleep(durationMs);
    if (!worked) return result('stopped');
    if (step.node === 'RENDER' && failAtRender) {
      const issue = { code: 'RENDER_TIMEOUT', message: 'Render engine did not answer within 120 s' };
      const report = {
        metrics: { engine: 'suno-v4', queue_wait_ms: dice.int(4000, 9000) },
        scores: {},
        issues: [{ ...issue, severity: 'error' }],
        artifacts: {},
      };
      const message = 'Render engine timed out';
      await emit(
        'node.fail',
        { ...base, phase: 'fail', duration_ms: durationMs, ...report, error_message: message },
        nodeFailOps(step.node, durationMs, message, report),
      );
      await finish('failed', { failed_node: 'RENDER' }, issue);
      return result('failed');
    }
    const output = nodeOutput(step.node, fixLoop && step.attempt === 1, song, dice);
    const skipFix = step.node === 'VALIDATE' && !fixLoop;
    await emit(
      'node.end',
      { ...base, phase: 'end', duration_ms: durationMs, ...output },
      nodeEndOps(step.node, durationMs, output, skipFix),
    );
    nodesDone++;
  }
  await finish('completed', {});
  return result('completed');

  /** The LYRICS node writes its text over `durationMs`, sending the new tokens every tick. */
  async function streamLyrics(durationMs: number): Promise<boolean> {
    const tokens = lyricTokens(lyricsText(song));
    const ticks = Math.max(1, Math.round(durationMs / TOKEN_TICK_MS));
    const perTick = Math.ceil(tokens.length / ticks);
    for (let sent = 0; sent < tokens.length; ) {
      if (!(await pacer.sleep(durationMs / ticks))) return false;
      const batch: PublishInput[] = tokens.slice(sent, sent + perTick).map((text, i) => ({
        type: 'lyrics.token',
        data: { run_id: runId, node: 'LYRICS', index: sent + i, text },
        state: lyricsTokenOps(text, Number(((sent + i + 1) / tokens.length).toFixed(3))),
      }));
      await publisher.publish(channel, batch);
      published += batch.length;
      sent += batch.length;
    }
    return true;
  }

  async function finish(
    status: 'completed' | 'failed',
    extra: { failed_node?: WorkflowNode },
    failure?: { code: string; message: string },
  ): Promise<void> {
    const durationMs = Math.round((Date.now() - startedAt) * pacer.speed);
    const data = { run_id: runId, status, duration_ms: durationMs, ...extra };
    await emit('run.completed', data, runCompletedOps(status, durationMs, failure));
    const final = {
      ...entry,
      status,
      progress: status === 'completed' ? 1 : Math.min(1, nodesDone / WORKFLOW_NODES.length),
      durationMs,
      failedNode: extra.failed_node ?? null,
    };
    await publisher.publish(RUNS_CHANNEL, [
      {
        type: 'run.completed',
        data: { ...data, channel, song_title: song.title },
        state: runEntryOps(final),
      },
    ]);
  }
}

/** The song's lyrics as the LYRICS node writes them: a header per section, a line per line. */
function lyricsText(song: { readonly lyrics: readonly { name: string; lines: string[] }[] }): string {
  return song.lyrics.map((s) => `[${s.name}]\n${s.lines.join('\n')}\n`).join('\n');
}

interface Step {
  readonly node: WorkflowNode;
  readonly attempt: number;
}

/** The node sequence: FIX runs only when the first VALIDATE fails its threshold. */
function planSteps(fixLoop: boolean): readonly Step[] {
  const once = (node: WorkflowNode): Step => ({ node, attempt: 1 });
  const head = (['PLAN', 'STYLE', 'LYRICS', 'PRODUCER', 'COMPOSE'] as const).map(once);
  const validation = fixLoop
    ? [once('VALIDATE'), once('FIX'), { node: 'VALIDATE' as const, attempt: 2 }]
    : [once('VALIDATE')];
  return [...head, ...validation, once('RENDER'), once('REVIEW')];
}

interface Song {
  readonly title: string;
  readonly genre: (typeof GENRES)[number];
  readonly instruments: readonly string[];
  readonly bpm: number;
  readonly key: string;
  readonly lyrics: readonly { name: string; lines: string[] }[];
}

function createSong(dice: Dice, title?: string): Song {
  const genreIndex = dice.int(0, GENRES.length - 1);
  const genre = GENRES[genreIndex] ?? GENRES[0];
  const lyrics = SECTIONS.filter((s) => s !== 'Intro').map((name) => ({ name, lines: lyricLines(dice, 4) }));
  return {
    title: title ?? dice.pick(SONG_TITLES),
    genre,
    instruments: INSTRUMENTS[genreIndex] ?? [],
    bpm: dice.int(genre.bpm[0], genre.bpm[1]),
    key: dice.pick(genre.key),
    lyrics,
  };
}

function lyricLines(dice: Dice, count: number): string[] {
  const rhyme = dice.pick(LINE_ENDINGS);
  return Array.from({ length: count }, () => `${dice.pick(LINE_OPENERS)} ${dice.pick(rhyme)}`);
}

type NodeOutput = {
  metrics: { [key: string]: JsonValue };
  scores: { [key: string]: number };
  issues: { code: string; message: string; severity: string }[];
  artifacts: { [key: string]: JsonValue };
};

/** What each node reports when it ends: metrics, scores, issues and artifacts. */
function nodeOutput(node: WorkflowNode, failValidation: boolean, song: Song, dice: Dice): NodeOutput {
  const none: NodeOutput = { metrics: {}, scores: {}, issues: [], artifacts: {} };
  const tokens = { tokens_in: dice.int(800, 2400), tokens_out: dice.int(300, 1800) };
  switch (node) {
    case 'PLAN':
      return {
        ...none,
        metrics: { ...tokens, sections: SECTIONS.length, target_duration_s: dice.int(170, 230) },
        artifacts: { plan: { sections: [...SECTIONS], structure: 'ABABCB', target_bpm: song.bpm } },
      };
    case 'STYLE':
      return {
        ...none,
        metrics: tokens,
        scores: { blueprint_match: dice.score(0.86, 0.99) },
        artifacts: {
          style_spec: {
            genre: song.genre.genre,
            mood: song.genre.mood,
            tempo_bpm: song.bpm,
            key: song.key,
            instrumentation: [...song.instruments],
            vocal: dice.pick(['breathy alto', 'raspy tenor', 'clear soprano', 'warm baritone']),
          },
        },
      };
    case 'LYRICS': {
      const lines = song.lyrics.reduce((n, s) => n + s.lines.length, 0);
      return {
        ...none,
        metrics: { ...tokens, lines, words: lines * dice.int(6, 8) },
        artifacts: { lyrics: { sections: song.lyrics.map((s) => ({ name: s.name, lines: [...s.lines] })) } },
      };
    }
    case 'PRODUCER':
      return {
        ...none,
        metrics: tokens,
        artifacts: {
          producer_notes: {
            arrangement: `Open sparse on ${song.instruments[0] ?? 'keys'}, full band from the first chorus`,
            mix: 'Vocals forward, sidechain pads to the kick, tape saturation on the bus',
            hooks: [
              `"${song.title}" call-and-response in the chorus`,
              'Two-bar instrumental riff after each chorus',
            ],
          },
        },
      };
    case 'COMPOSE': {
      const prompt = `${song.genre.mood} ${song.genre.genre} at ${song.bpm} BPM in ${song.key}; ${song.instruments.join(', ')}; song "${song.title}"`;
      return {
        ...none,
        metrics: { ...tokens, prompt_chars: prompt.length },
        artifacts: { composed_prompt: prompt },
      };
    }
    case 'VALIDATE':
      return validation(failValidation, dice);
    case 'FIX':
      return {
        ...none,
        metrics: { ...tokens, issues_fixed: 2, sections_rewritten: 2 },
        artifacts: {
          patched_sections: ['Chorus', 'Bridge'],
          lyrics: { sections: song.lyrics.map((s) => ({ name: s.name, lines: [...s.lines] })) },
        },
      };
    case 'RENDER':
      return {
        ...none,
        metrics: {
          engine: 'suno-v4',
          queue_wait_ms: dice.int(800, 6000),
          audio_duration_s: dice.int(170, 230),
        },
        artifacts: {
          render_url: `https://cdn.meatymusic.example/renders/${dice.hex(12)}.mp3`,
          audio: { format: 'mp3', bitrate_kbps: 320, sample_rate_hz: 44100 },
        },
      };
    case 'REVIEW':
      return {
        ...none,
        scores: { overall: dice.score(0.82, 0.95), mix_quality: dice.score(0.8, 0.96) },
        artifacts: {
          review: {
            approved: true,
            summary: `Strong hook; ${song.genre.mood} tone lands. Ready to publish.`,
          },
        },
      };
  }
}

/** VALIDATE output. A failing pass lands under the threshold with concrete issues, which FIX then addresses. */
function validation(failing: boolean, dice: Dice): NodeOutput {
  const range: [number, number] = failing ? [0.55, 0.76] : [0.84, 0.97];
  const scores = {
    hook_density: dice.score(...range),
    singability: dice.score(...range),
    rhyme_tightness: dice.score(...range),
    section_completeness: dice.score(...range),
    profanity_score: dice.score(0, 0.05),
  };
  const total = Number(
    (
      (scores.hook_density + scores.singability + scores.rhyme_tightness + scores.section_completeness) /
      4
    ).toFixed(2),
  );
  return {
    metrics: { threshold: VALIDATE_THRESHOLD, passed: total >= VALIDATE_THRESHOLD, checks_run: 14 },
    scores: { ...scores, total },
    issues: failing ? VALIDATION_ISSUES.slice(0, dice.int(2, 4)).map((i) => ({ ...i })) : [],
    artifacts: { report: { threshold: VALIDATE_THRESHOLD, total, verdict: failing ? 'needs_fix' : 'pass' } },
  };
}

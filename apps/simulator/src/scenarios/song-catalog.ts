/** Hand-written material for plausible MeatyMusic runs. */

/** Song titles a run may produce. */
export const SONG_TITLES = [
  'Neon Harbor',
  'Paper Satellites',
  'Midnight in Marrow Street',
  'Glass Horizon',
  'Honey and Static',
  'The Long Way Down',
  'Copper Moon Parade',
  'Ghosts of the Overpass',
  'Salt on the Window',
  'Lanterns for the Lost',
  'Velvet Thunder',
  'Second Hand Summer',
] as const;

/** Genre blueprints the STYLE node picks from. */
export const GENRES = [
  { genre: 'synthpop', mood: 'wistful', bpm: [104, 118], key: ['A minor', 'F major', 'C# minor'] },
  { genre: 'indie folk', mood: 'warm', bpm: [84, 96], key: ['G major', 'D major', 'E minor'] },
  { genre: 'alt rock', mood: 'defiant', bpm: [120, 138], key: ['E minor', 'B minor', 'A major'] },
  { genre: 'neo soul', mood: 'smoky', bpm: [72, 88], key: ['Eb major', 'Bb minor', 'F minor'] },
  { genre: 'country pop', mood: 'nostalgic', bpm: [92, 104], key: ['C major', 'G major', 'A major'] },
] as const;

/** Instruments, per genre index, that the style spec lists. */
export const INSTRUMENTS: readonly (readonly string[])[] = [
  ['analog synth pads', 'gated drums', 'arpeggiated bass', 'vocoder harmonies'],
  ['fingerpicked acoustic', 'upright bass', 'brushed snare', 'fiddle'],
  ['overdriven guitars', 'live drums', 'bass guitar', 'gang vocals'],
  ['Rhodes piano', 'muted trumpet', 'fretless bass', 'swung hi-hats'],
  ['steel guitar', 'banjo', 'acoustic strum', 'stomp claps'],
];

/** The section layout a PLAN node emits. */
export const SECTIONS = [
  'Intro',
  'Verse 1',
  'Chorus',
  'Verse 2',
  'Chorus',
  'Bridge',
  'Final Chorus',
] as const;

/** Line fragments the LYRICS node stitches together. */
export const LINE_OPENERS = [
  'We were dancing on the',
  'I keep a light for the',
  'Count the cars along the',
  'You left a note beside the',
  'Hold me under the',
  'Running out past the',
  'Singing low across the',
  'Every promise on the',
] as const;

/** Line endings, grouped by rhyme so the rhyme score has something to measure. */
export const LINE_ENDINGS = [
  ['harbor lights', 'restless nights', 'satellites'],
  ['river bend', 'bitter end', 'call it friends'],
  ['open road', 'heavy load', 'letters we never sent home'],
  ['silver rain', 'midnight train', 'say my name'],
] as const;

/** Issues VALIDATE may raise before a FIX pass. */
export const VALIDATION_ISSUES = [
  {
    code: 'LOW_HOOK_DENSITY',
    message: 'Chorus repeats its hook only once; blueprint asks for 2+',
    severity: 'error',
  },
  {
    code: 'WEAK_RHYME',
    message: 'Verse 2 lines 2/4 do not rhyme (scheme ABAB expected)',
    severity: 'warning',
  },
  { code: 'SECTION_TOO_SHORT', message: 'Bridge has 2 lines; minimum is 4', severity: 'error' },
  {
    code: 'SINGABILITY',
    message: 'Line 3 of Verse 1 has 14 syllables over a 10-syllable phrase',
    severity: 'warning',
  },
] as const;

// Checks every publishable package the way a consumer's tools see it: packs it as npm would (from the
// built dist/), then runs publint (package.json and files) and arethetypeswrong (type resolution under
// node16 ESM and bundler). Herald ships ESM only, so CommonJS resolutions are out of scope (esm-only).
// Run after `npm run build:packages`; exits non-zero on the first package with a problem.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PUBLISHED = ['protocol', 'client', 'hub', 'testing', 'cli', 'react', 'vue'];

const bin = (name) => join('node_modules', '.bin', name);
const run = (cmd, args, cwd = '.') =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const out = mkdtempSync(join(tmpdir(), 'herald-pack-'));
let failed = 0;
try {
  for (const name of PUBLISHED) {
    const dir = join('packages', name);
    try {
      // --ignore-scripts: dist/ is already built; prepack would only build it again.
      const [packed] = JSON.parse(
        run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], dir),
      );
      const tarball = join(out, packed.filename);
      run(bin('publint'), [dir, '--strict']);
      // styles.css is a stylesheet, not a module: it has no types to resolve.
      const exclude = name === 'react' ? ['--exclude-entrypoints', './styles.css'] : [];
      run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii', ...exclude]);
      console.log(`packages: @herald/${name} ok (publint, attw)`);
    } catch (err) {
      failed++;
      console.error(`packages: @herald/${name} FAILED\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed === 0 ? 0 : 1);

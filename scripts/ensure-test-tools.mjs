// Makes sure the tests have the system tools they drive before they start: Debian's Chromium (browser
// tests) and promtool from Debian's prometheus package (the metrics test). Installs what is missing with
// apt-get when this runs as root, and otherwise stops with one line that says what to install. No test is
// ever skipped for a missing tool.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';
const tools = [
  { name: 'Chromium', path: chromium, pkg: 'chromium', override: process.env.HERALD_CHROMIUM },
  { name: 'promtool', path: '/usr/bin/promtool', pkg: 'prometheus' },
];
const missing = tools.filter((t) => !existsSync(t.path));
if (missing.length === 0) process.exit(0);

const names = missing.map((t) => `${t.name} (${t.path})`).join(', ');
const fail = (why) => {
  console.error(`tests: ${names} not found: ${why}`);
  process.exit(1);
};
if (missing.some((t) => t.override !== undefined)) fail('HERALD_CHROMIUM points at a missing file');
const root = process.getuid?.() === 0;
const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
const pkgs = missing.map((t) => t.pkg);
if (!root || !aptGet) fail(`install them (as root: apt-get install -y ${pkgs.join(' ')})`);

console.log(`tests: installing ${pkgs.join(', ')} with apt-get (once per machine)`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [
  ['update', '-qq'],
  ['install', '-y', '-qq', ...pkgs],
]) {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${r.status})`);
}
const still = missing.filter((t) => !existsSync(t.path));
if (still.length > 0) fail(`apt-get installed ${pkgs.join(' ')}, but not at these paths`);

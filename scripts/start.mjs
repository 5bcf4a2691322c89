// `npm start`: builds the dashboard, then runs `herald serve --demo` from source (extra arguments are
// passed on; PORT, HOST and HERALD_* work as for any `herald serve`).
//
// Why a script and not `a && b` in package.json: there `sh` sits between npm and the hub, and a SIGTERM
// to npm ended `sh` and left the hub running. Here the one signal npm forwards reaches the hub, the
// hub's exit code is ours, and the hub runs in its own process group so a terminal's Ctrl-C is not
// delivered twice (once by the terminal, once by us), which the hub would take as "exit now".
import { spawn, spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build', '-w', '@herald/dashboard'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const hub = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    'packages/cli/src/cli.ts',
    'serve',
    '--demo',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', detached: true },
);
let forwarded = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    // npm forwards the signal it got, and a terminal sends Ctrl-C to npm too: pass on the first only.
    if (forwarded) return;
    forwarded = true;
    hub.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}
// If this wrapper dies some other way, do not leave the hub behind.
process.on('exit', () => {
  if (hub.exitCode === null && hub.signalCode === null) hub.kill('SIGTERM');
});
hub.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));

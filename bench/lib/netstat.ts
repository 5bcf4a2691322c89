import { readFileSync } from 'node:fs';

/**
 * The kernel's count of connections dropped because a listen (accept) queue was full (`TcpExt:
 * ListenOverflows`, machine-wide). A dropped SYN is retried by the client's kernel after 1, 3, 7, 15, 31 s,
 * which shows up as long reconnect tails. Returns null where /proc/net/netstat is not available.
 */
export function listenOverflows(): number | null {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i]?.split(/\s+/) ?? [];
      if (names[0] !== 'TcpExt:') continue;
      const values = lines[i + 1]?.split(/\s+/) ?? [];
      const at = names.indexOf('ListenOverflows');
      return at === -1 ? null : Number(values[at]);
    }
  } catch {
    // not Linux
  }
  return null;
}

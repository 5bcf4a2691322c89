import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Checks publisher API keys in constant time, and names keys by a hash so logs and metrics never see them. */
export class ApiKeys {
  private readonly digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.filter((k) => k.length > 0).map(digest);
  }

  /** Whether any key is configured. */
  get size(): number {
    return this.digests.length;
  }

  /** Returns a stable non-secret id (`key:` + 12 hex chars of its SHA-256) when `candidate` is a key. */
  identify(candidate: string): string | null {
    const d = digest(candidate);
    let found = false;
    // Compare against every key so timing does not reveal which one (or whether any) matched.
    for (const k of this.digests) if (timingSafeEqual(k, d)) found = true;
    return found ? `key:${d.toString('hex').slice(0, 12)}` : null;
  }
}

/** How long after the last consumer leaves a store keeps its subscription, so an immediate remount reuses it. */
const RELEASE_DELAY_MS = 0;

/**
 * Reference counting of a store's client subscription: the first `retain` starts it, and it stops a
 * moment after the last release (StrictMode's unmount-remount and a quick remount keep it).
 */
export class RefCount {
  private refs = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Whether the subscription runs. */
  active = false;

  constructor(
    private readonly start: () => void,
    private readonly stop: () => void,
  ) {}

  /** Adds a consumer; the first one starts the subscription. Returns an idempotent release. */
  readonly retain = (): (() => void) => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.refs += 1;
    if (!this.active) {
      this.active = true;
      this.start();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.refs -= 1;
      if (this.refs === 0) this.timer = setTimeout(this.stopIfUnused, RELEASE_DELAY_MS);
    };
  };

  private readonly stopIfUnused = (): void => {
    this.timer = null;
    if (this.refs > 0 || !this.active) return;
    this.active = false;
    this.stop();
  };
}

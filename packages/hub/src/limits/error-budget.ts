/**
 * Counts a peer's invalid frames in a fixed window. A peer that sends more than `max` within `windowMs` is
 * abusive (or badly broken) and gets closed with 4029. Two numbers of state per connection.
 */
export class ErrorBudget {
  private count = 0;
  private windowStart = 0;

  /**
   * @param max - Errors tolerated per window.
   * @default max 50, windowMs 10000
   */
  constructor(
    private readonly max = 50,
    private readonly windowMs = 10_000,
  ) {}

  /** Records one error. Returns true when the budget is now exhausted. */
  spend(now: number = Date.now()): boolean {
    if (now - this.windowStart > this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    this.count++;
    return this.count > this.max;
  }
}

import type { ReactNode } from 'react';
import { cx } from './cx.js';

/** Props of {@link NewItemsButton}. */
export interface NewItemsButtonProps {
  /** Items that arrived while the reader was away from the live end (`useUnseenCount`). */
  readonly count: number;
  /** Jumps back to the live end (`useLiveEnd().jump`); the count clears when the reader is back. */
  readonly onJump: () => void;
  /** Show the button. @default count > 0 */
  readonly visible?: boolean;
  /** The button's text for `count`. @default `${count} new item(s)` */
  readonly label?: (count: number) => string;
  /** Where the live end is, for the arrow: `up` (newest first) or `down` (newest last). @default 'up' */
  readonly direction?: 'up' | 'down';
  /** Extra class names for the wrapper. */
  readonly className?: string;
}

const defaultLabel = (count: number): string => `${count} new ${count === 1 ? 'item' : 'items'}`;

/**
 * The "3 new activities" control of a feed the reader scrolled away from: a button that jumps back. It
 * sits in a polite live region that exists before the button appears, so screen readers hear the count.
 */
export function NewItemsButton({
  count,
  onJump,
  visible = count > 0,
  label = defaultLabel,
  direction = 'up',
  className,
}: NewItemsButtonProps): ReactNode {
  return (
    <div className={cx('herald-new-items', className)} aria-live="polite">
      {visible ? (
        <button
          type="button"
          className="herald-button herald-new-items__button"
          data-count={count}
          onClick={onJump}
        >
          <span aria-hidden="true">{direction === 'up' ? '↑' : '↓'}</span> {label(count)}
        </button>
      ) : null}
    </div>
  );
}

import type { ElementType, ReactNode } from 'react';
import { type HighlightKind, useHighlight } from '../hooks/use-highlight.js';
import { cx } from './cx.js';

/** Props of {@link Highlight}. */
export interface HighlightProps {
  /** When the content arrived or changed (epoch ms, `FeedItem.receivedAt`); null never highlights. */
  readonly at: number | null;
  /** `new` for an item that just appeared, `updated` for one that changed. @default 'new' */
  readonly kind?: HighlightKind;
  /** How long the highlight lasts, in ms. @default 3000 */
  readonly durationMs?: number;
  /** The element to render. @default 'div' */
  readonly as?: ElementType;
  /**
   * Text shown in a small tag while highlighted, so the mark is never colour alone; `null` hides it (then
   * say it another way).
   * @default 'New' or 'Updated'
   */
  readonly label?: string | null;
  /** Extra class names. */
  readonly className?: string;
  readonly children?: ReactNode;
  /** Other attributes for the element (`data-*`, `aria-*`, `id`, …). */
  readonly [attribute: `data-${string}` | `aria-${string}`]: string | number | boolean | undefined;
}

const LABELS: Readonly<Record<HighlightKind, string>> = { new: 'New', updated: 'Updated' };

/**
 * Wraps content that arrived or changed at `at`: while highlighted (3 s by default) the element carries
 * `data-herald-highlight="new|updated"` and the `--herald-highlight-*` CSS variables, and shows a "New" /
 * "Updated" tag. Styled by `.herald-highlight[data-herald-highlight]` (a fading background; static under
 * reduced motion).
 */
export function Highlight({
  at,
  kind = 'new',
  durationMs,
  as = 'div',
  label,
  className,
  children,
  ...attributes
}: HighlightProps): ReactNode {
  const highlight = useHighlight(at, { kind, ...(durationMs === undefined ? {} : { durationMs }) });
  const tag = label === undefined ? LABELS[kind] : label;
  const Element = as;
  return (
    <Element {...attributes} {...highlight.props} className={cx('herald-highlight', className)}>
      {children}
      {highlight.active && tag !== null ? <span className="herald-highlight__tag">{tag}</span> : null}
    </Element>
  );
}

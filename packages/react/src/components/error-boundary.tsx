import { Component, type ErrorInfo, type ReactNode } from 'react';

/** What a custom fallback receives. */
export interface ErrorFallbackProps {
  readonly error: Error;
  /** Clears the error and renders the children again. */
  readonly reset: () => void;
}

/** Props of {@link RealtimeErrorBoundary}. */
export interface RealtimeErrorBoundaryProps {
  readonly children?: ReactNode;
  /**
   * Shown instead of the children after an error: an element, or a function receiving the error and a
   * reset action. @default a message with a "Try again" button
   */
  readonly fallback?: ReactNode | ((props: ErrorFallbackProps) => ReactNode);
  /** Called when the user resets the boundary, before the children render again (e.g. reconnect). */
  readonly onReset?: () => void;
  /** Called with every caught error, for logging. */
  readonly onError?: (error: Error, info: ErrorInfo) => void;
}

interface State {
  readonly error: Error | null;
}

/**
 * Keeps a failure in a live widget (a render error, a refused subscription re-thrown by your code) from
 * taking down the page, and offers a way back.
 */
export class RealtimeErrorBoundary extends Component<RealtimeErrorBoundaryProps, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    this.props.onError?.(error, info);
  }

  /** Clears the error and renders the children again. */
  reset = (): void => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    const { fallback } = this.props;
    if (typeof fallback === 'function') return fallback({ error, reset: this.reset });
    if (fallback !== undefined) return fallback;
    return (
      <div className="herald-error-boundary" role="alert">
        <p className="herald-error-boundary__title">
          <span aria-hidden="true">⚠</span> Live updates stopped working
        </p>
        <p className="herald-error-boundary__message">{error.message}</p>
        <button type="button" className="herald-button" onClick={this.reset}>
          Try again
        </button>
      </div>
    );
  }
}

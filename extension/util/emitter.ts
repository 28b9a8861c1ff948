/** Something to dispose; structurally the same as vscode.Disposable. */
export interface Disposable {
  dispose(): void;
}

/** A listener registration, as vscode.Event, for the modules that must not import vscode. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** A minimal vscode.EventEmitter look-alike for pure modules. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        // One failing listener must not keep the others from hearing the event.
        console.error('shoal: an event listener failed:', error);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}

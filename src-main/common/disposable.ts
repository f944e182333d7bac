/** Whatever starts must be disposed. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** Collects disposables and disposes them in reverse order of registration. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      void item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.reverse()) {
      try {
        await item.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    this.items.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, 'dispose failed');
  }
}

export function toDisposable(fn: () => void | Promise<void>): Disposable {
  return { dispose: fn };
}

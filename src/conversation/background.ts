/**
 * Work a channel goes on with after its HTTP response is sent (a Slack or LINE answer posted through the
 * platform's API). Shutdown waits for it, so an acknowledged question is still answered.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles; its failure is the caller's to log, here it is only waited for. */
  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }

  /** Number of pieces of work still running. */
  get pending(): number {
    return this.running.size;
  }

  /** Resolves once everything tracked so far, and anything it tracks meanwhile, has settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

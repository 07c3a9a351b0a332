import { Injectable } from '@nestjs/common';

/** What the probes report: startup done once migrations ran; draining from SIGTERM until exit. */
@Injectable()
export class LifecycleState {
  private migrated = false;
  private draining = false;
  private readonly drainListeners: Array<() => void> = [];

  markMigrated(): void {
    this.migrated = true;
  }

  markDraining(): void {
    this.draining = true;
    for (const listener of this.drainListeners) {
      listener();
    }
  }

  onDraining(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  get isMigrated(): boolean {
    return this.migrated;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}

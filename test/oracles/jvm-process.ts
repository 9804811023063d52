/**
 * The life of a JVM a test oracle starts (the Kafka broker, the Flink oracle, Flink's SQL
 * Gateway): killed when the test process exits, and a stop() that kills it, waits for its exit
 * and removes its temp directory.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export interface JvmHandle {
  /** Kills the JVM (if still running), waits for it to exit, removes `dir`. */
  stop(): Promise<void>;
}

export function ownJvm(child: ChildProcess, dir: string): JvmHandle {
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

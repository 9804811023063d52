/** The real `eddy` shell on a pseudo-terminal (`script -qfc`), for tests across shells and restarts. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { EDDY, until } from './checkpoint-helpers.js';

export const hasScript = spawnSync('script', ['--version']).status === 0;

/** One interactive `eddy` shell on a pseudo-terminal; its screen output (stdout and stderr) is collected. */
export class Shell {
  readonly child: ChildProcess;
  screen = '';
  readonly exited: Promise<number | null>;

  constructor(dir: string) {
    const cmd = `${JSON.stringify(EDDY)} --state state.db --checkpoint-interval 100ms --format csv`;
    this.child = spawn('script', ['-qfc', cmd, '/dev/null'], { cwd: dir, env: { ...process.env, EDDY_HISTORY: join(dir, 'history') }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.screen += String(d).replace(/\r/g, '')));
    this.exited = new Promise((res) => this.child.on('close', (code) => res(code)));
  }

  async waitFor(re: RegExp, timeoutMs = 8_000): Promise<void> {
    await until(`${re} on the shell's screen:\n${this.screen}`, () => re.test(this.screen), timeoutMs);
  }

  /** Types a statement and waits for its output and the next prompt. */
  async type(line: string, expectOut: RegExp): Promise<void> {
    const from = this.screen.length;
    this.child.stdin!.write(line + '\n');
    await until(`${expectOut} after '${line}':\n${this.screen.slice(from)}`, () => expectOut.test(this.screen.slice(from)));
  }

  async quit(): Promise<number | null> {
    this.child.stdin!.write('\\q\n');
    return this.exited;
  }
}


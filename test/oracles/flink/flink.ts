/**
 * Real Flink as the judge: a Java runner (src/dev/eddy/oracles/FlinkOracle.java, built by Maven
 * against Flink 2.x from Maven Central, jars cached in ~/.m2) runs Flink SQL scripts on one
 * in-process MiniCluster. One JVM serves a whole test run over HTTP on a loopback port (started
 * by global-setup.ts); `runFlink` posts a script to it and parses the JSON Lines it answers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownJvm } from '../jvm-process.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const POM = join(HERE, 'pom.xml');
const SOURCE = join(HERE, 'src', 'dev', 'eddy', 'oracles', 'FlinkOracle.java');
const TARGET = join(HERE, 'target');

/** What one statement of a script returned: its columns and rows with Flink's change kinds, or its error. */
export interface FlinkStatementResult {
  readonly stmt: number;
  readonly columns: readonly string[];
  readonly rows: readonly FlinkRow[];
  readonly error?: string;
}

export interface FlinkRow {
  readonly op: '+I' | '-U' | '+U' | '-D';
  readonly row: readonly unknown[];
}

/** Why the Flink tests cannot run here (no java or mvn on the PATH), or null when they can. */
export function flinkSkipReason(): string | null {
  for (const [tool, arg] of [['java', '-version'], ['mvn', '-v']] as const) {
    const r = spawnSync(tool, [arg], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return `'${tool}' is not on the PATH: the Flink differential tests need Java 17+ and Maven to build and run a Flink MiniCluster`;
  }
  return null;
}

/**
 * Builds the runner once (`mvn compile`, jars into ~/.m2) and returns its classpath; later calls
 * read it from target/ while pom.xml and the Java source are unchanged and every jar is there.
 */
export function oracleClasspath(): string {
  const hash = createHash('sha256').update(readFileSync(POM)).update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const cached = join(TARGET, `classpath-${hash}.txt`);
  const classes = join(TARGET, 'classes');
  if (existsSync(cached) && existsSync(join(classes, 'dev', 'eddy', 'oracles', 'FlinkOracle.class'))) {
    const cp = readFileSync(cached, 'utf8').trim();
    if (cp.split(':').every((jar) => existsSync(jar))) return `${classes}:${cp}`;
  }
  mkdirSync(TARGET, { recursive: true });
  const r = spawnSync('mvn', ['-q', '-B', '-f', POM, 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${cached}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(cached)) throw new Error(`mvn could not build the Flink oracle (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return `${classes}:${readFileSync(cached, 'utf8').trim()}`;
}

/** Java 17 closes the JDK internals that Flink's serializers reach into; these are the opens Flink's own scripts pass. */
export const OPENS = ['java.base/java.util', 'java.base/java.lang', 'java.base/java.lang.reflect', 'java.base/java.io', 'java.base/java.net', 'java.base/java.nio', 'java.base/sun.nio.ch', 'java.base/java.text', 'java.base/java.time', 'java.base/java.util.concurrent', 'java.base/java.util.concurrent.atomic', 'java.base/java.util.concurrent.locks'].flatMap((m) => ['--add-opens', `${m}=ALL-UNNAMED`]);
/** A small heap and the client compiler: the scripts are tiny, start-up dominates. */
const JVM = ['-Xms256m', '-Xmx1g', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', ...OPENS];

export interface FlinkOracleServer {
  /** http://127.0.0.1:port of the runner. */
  readonly url: string;
  /** Kills the JVM and removes its temp directory (flink.log). */
  stop(): Promise<void>;
}

/** Starts the runner's JVM (one MiniCluster) and resolves once it listens. */
export async function startFlinkOracle(): Promise<FlinkOracleServer> {
  const classpath = oracleClasspath();
  const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-'));
  const log4j = join(dir, 'log4j2.properties');
  writeFileSync(log4j, LOG4J.replace('FILE', join(dir, 'flink.log')));
  const child: ChildProcess = spawn('java', [...JVM, `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath, 'dev.eddy.oracles.FlinkOracle', 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const { stop } = ownJvm(child, dir);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the Flink oracle did not start within 90 s:\n${stderr}`)), 90_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Flink oracle exited with ${code}:\n${stderr}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });
  return { url: `http://127.0.0.1:${port}`, stop };
}

/** Runs a Flink SQL script on the runner at `url`; one result per statement that returned rows or failed. */
export async function runFlink(url: string, script: string): Promise<FlinkStatementResult[]> {
  const res = await fetch(`${url}/run`, { method: 'POST', body: script });
  if (!res.ok) throw new Error(`the Flink oracle answered ${res.status}`);
  const results: { stmt: number; columns: string[]; rows: FlinkRow[]; error?: string }[] = [];
  for (const line of (await res.text()).split('\n')) {
    if (line === '') continue;
    const o = JSON.parse(line) as { stmt: number; columns?: string[]; op?: FlinkRow['op']; row?: unknown[]; error?: string };
    if (o.columns) results.push({ stmt: o.stmt, columns: o.columns, rows: [] });
    else if (o.error !== undefined) results.push({ stmt: o.stmt, columns: [], rows: [], error: o.error });
    else results[results.length - 1]!.rows.push({ op: o.op!, row: o.row! });
  }
  return results;
}

const LOG4J = `status = error
appender.file.type = File
appender.file.name = file
appender.file.fileName = FILE
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
`;

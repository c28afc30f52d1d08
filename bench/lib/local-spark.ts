// Local Spark for the benchmarks: the tests' Spark server (test/scripts/spark_server.py: one
// SparkSession, local[2]) from the .venv-scripts/ Python environment, scripts run one at a time.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalSpark {
  /** Seconds Spark took to start (JVM, session, first job). */
  startSeconds: number;
  /** Runs a script as spark-submit would; resolves with its seconds on the warm session. */
  run(script: string, args: string[]): Promise<number>;
  stop(): void;
}

export async function startLocalSpark(root: string): Promise<LocalSpark> {
  execFileSync('bash', [join(root, 'scripts/python-env.sh')], { stdio: 'inherit' });
  const python = join(root, '.venv-scripts/bin/python');
  const socket = join(mkdtempSync(join(tmpdir(), 'bench-spark-')), 'spark.sock');
  const child = spawn(python, [join(root, 'test/scripts/spark_server.py'), socket], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, PYSPARK_PYTHON: python, SPARK_LOCAL_IP: '127.0.0.1' },
  });
  const startSeconds = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) resolve((JSON.parse(line) as { startSeconds: number }).startSeconds);
    });
    child.on('exit', (code) => reject(new Error(`local Spark exited (${code})`)));
  });
  if (!existsSync(socket)) throw new Error('local Spark did not open its socket');
  const conn = connect(socket);
  await new Promise<void>((r) => conn.once('connect', () => r()));
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  conn.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      waiting.shift()?.(line);
    }
  });
  return {
    startSeconds,
    async run(script, args) {
      const line = await new Promise<string>((resolve) => {
        waiting.push(resolve);
        conn.write(JSON.stringify({ op: 'run', script, args }) + '\n');
      });
      const r = JSON.parse(line) as { ok: boolean; error: string | null; seconds: number };
      if (!r.ok) throw new Error(`the PySpark script failed: ${r.error}`);
      return r.seconds;
    },
    stop() {
      conn.end();
      child.removeAllListeners('exit');
      child.stdin.end();
    },
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { inject } from 'vitest';

export interface SparkRun {
  ok: boolean;
  error: string | null;
  seconds: number;
}

export interface ParquetTypes {
  ok: boolean;
  error?: string;
  spark: [string, string][];
  arrow: [string, string][];
  rows: number;
  arrowRows: number;
}

/** Waits for the run's Spark (started by global-setup.ts); its start time in seconds. */
export async function sparkReady(timeoutMs = 240_000): Promise<number> {
  const status = inject('sparkStatus');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(status)) {
      const s = JSON.parse(readFileSync(status, 'utf8')) as {
        failed?: string;
        startSeconds?: number;
      };
      if (s.failed) throw new Error(`scripts: local Spark did not start: ${s.failed}`);
      return s.startSeconds!;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('scripts: local Spark did not start in time');
}

/** One connection to the Spark server; requests are answered in order, one line each. */
export class SparkClient {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
  }

  static async open(): Promise<SparkClient> {
    await sparkReady();
    const socket = connect(inject('sparkSocket'));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SparkClient(socket);
  }

  private request<T>(req: object): Promise<T> {
    return new Promise<T>((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as T));
      this.socket.write(JSON.stringify(req) + '\n');
    });
  }

  /** Runs a PySpark script file as `spark-submit script args…` would, on the shared session. */
  run(script: string, args: string[] = []): Promise<SparkRun> {
    return this.request({ op: 'run', script, args });
  }

  /** How Spark and pyarrow read a Parquet file or folder (types and row counts). */
  parquetTypes(path: string): Promise<ParquetTypes> {
    return this.request({ op: 'schema', path });
  }

  close(): void {
    this.socket.end();
  }
}

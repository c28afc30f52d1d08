"""One local SparkSession for a whole test run, serving generated PySpark scripts one at a time.

Started by test/scripts/global-setup.ts with the path of a Unix socket. Each connection sends
JSON requests, one a line, and gets one JSON answer a line:
  {"op": "run", "script": path, "args": [...]}   runs the script as __main__ with sys.argv
  {"op": "schema", "path": dir_or_file}           Spark's and pyarrow's types of a Parquet output
Scripts run one after another (a lock): they share the session, as runs on one cluster would.
"""
import json
import os
import runpy
import socketserver
import sys
import threading
import time
import traceback
import contextlib

started = time.time()
from pyspark.sql import SparkSession  # noqa: E402

spark = (
    SparkSession.builder.master("local[2]")
    .appName("decant-script-tests")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.driver.memory", "1g")
    .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
spark.range(1).count()  # the first job warms up the executor
lock = threading.Lock()


def run_script(req):
    path = req["script"]
    sys.argv = [path] + list(req.get("args", []))
    t0 = time.time()
    out = []
    try:
        with contextlib.redirect_stdout(sys.stderr):
            runpy.run_path(path, run_name="__main__")
        ok, error = True, None
    except SystemExit as e:
        ok, error = e.code in (0, None), f"exit {e.code}"
    except BaseException:  # noqa: BLE001 - every failure is the answer
        ok, error = False, traceback.format_exc(limit=8)
    return {"ok": ok, "error": error, "seconds": round(time.time() - t0, 3), "out": out}


def schema_of(req):
    import pyarrow.parquet as pq

    path = req["path"]
    df = spark.read.parquet(path)
    spark_types = [[f.name, f.dataType.simpleString()] for f in df.schema.fields]
    ds = pq.ParquetDataset(path) if os.path.isdir(path) else None
    arrow = ds.schema if ds is not None else pq.read_schema(path)
    arrow_types = [[f.name, str(f.type)] for f in arrow]
    rows = df.count()
    arrow_rows = (ds.read() if ds is not None else pq.read_table(path)).num_rows
    return {"ok": True, "spark": spark_types, "arrow": arrow_types, "rows": rows, "arrowRows": arrow_rows}


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                req = json.loads(line)
                with lock:
                    if req["op"] == "run":
                        ans = run_script(req)
                    elif req["op"] == "schema":
                        ans = schema_of(req)
                    elif req["op"] == "ping":
                        ans = {"ok": True}
                    else:
                        ans = {"ok": False, "error": f"unknown op {req['op']!r}"}
            except BaseException:  # noqa: BLE001
                ans = {"ok": False, "error": traceback.format_exc(limit=8)}
            self.wfile.write((json.dumps(ans) + "\n").encode())
            self.wfile.flush()


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    sock = sys.argv[1]
    with contextlib.suppress(FileNotFoundError):
        os.unlink(sock)
    with Server(sock, Handler) as server:
        # The ready line the global setup waits for, with Spark's start time.
        print(json.dumps({"ready": True, "startSeconds": round(time.time() - started, 2)}), flush=True)
        threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
        server.serve_forever()
    spark.stop()


if __name__ == "__main__":
    main()

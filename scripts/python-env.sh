#!/usr/bin/env bash
# The Python environment the script-export tests run generated scripts in: .venv-scripts/ with
# test/scripts/requirements.txt installed (pyspark, pyarrow, botocore). Re-installed only when the
# requirements change (a hash stamp). Called by .ci/run and by test/scripts/global-setup.ts.
# Fails with what to install when Python 3.9–3.11 or a Java 17 runtime is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-scripts
req=test/scripts/requirements.txt

python=""
for p in python3.11 python3.10 python3.9 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(not ((3, 9) <= sys.version_info[:2] <= (3, 11)))'; then
    python=$p
    break
  fi
done
if [ -z "$python" ]; then
  echo "scripts: the export tests need Python 3.9–3.11 with venv (Spark 3.5, as AWS Glue 5 runs)." >&2
  echo "  Debian/Ubuntu: sudo apt-get install -y python3.11 python3.11-venv" >&2
  exit 1
fi
if ! command -v java >/dev/null || ! java -version 2>&1 | grep -Eq 'version "(1[1-9]|2[0-1])'; then
  echo "scripts: the export tests need a Java 11–21 runtime for Spark 3.5 (Java 17 recommended)." >&2
  echo "  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless" >&2
  exit 1
fi

want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "scripts: installing $req into $venv/ (once; pyspark is ~320 MB)" >&2
start=$(date +%s)
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "$want" >"$venv/.requirements.sha256"
echo "scripts: Python environment ready in $(($(date +%s) - start)) s" >&2

#!/usr/bin/env bash
# Stop with one clear line when a prerequisite of `make setup` is missing.
set -u
ok=1
py=${PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
  echo "setup: $py not found; install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)" >&2; ok=0
elif ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "setup: $py is $("$py" -V 2>&1); eikg needs Python 3.11 or newer" >&2; ok=0
elif ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "setup: $py cannot create virtual environments; install python3-venv" >&2; ok=0
fi
if ! command -v java >/dev/null 2>&1; then
  echo "setup: java not found; install Java 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)" >&2; ok=0
else
  jv=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  if [ -z "$jv" ] || [ "$jv" -lt 17 ]; then
    echo "setup: java is version ${jv:-unknown}; the local Neo4j needs Java 17 or newer" >&2; ok=0
  fi
fi
if ! command -v mvn >/dev/null 2>&1; then
  echo "setup: mvn not found; install Maven to fetch Neo4j (Debian: apt-get install maven)" >&2; ok=0
fi
[ "$ok" = 1 ] || exit 1
echo "setup: prerequisites found: $("$py" -V 2>&1), Java $jv, $(mvn -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*m//g')"

#!/usr/bin/env bash
# `make dist-install-check`: installs each artefact of dist/ as a user would, in a fresh
# environment with no Rust toolchain on the PATH, and runs the examples against the packaged
# sandbox:
#   Python  a fresh venv installs the two wheels (connector-service, connector-service-sandbox),
#           runs examples/python/lifecycle.py, `connector-sandbox --help` and start();
#   Node    a fresh npm project installs the four tarballs (the packages and their
#           linux-x64-gnu platform packages), runs examples/node/lifecycle.mjs, the
#           `connector-sandbox` bin and start();
#   Kotlin  a fresh Maven project (its own local repository) gets the library with
#           `mvn install:install-file` and the sandbox artefact from dist/maven as a repository,
#           then runs examples/kotlin's lifecycle and an in-process Sandbox start.
# Every command runs under `env -i` with PATH=/usr/local/bin:/usr/bin:/bin (no ~/.cargo/bin, no
# CARGO_* or RUSTUP_* variables), and the script first checks that cargo, rustc and rustup are
# not reachable from there.
set -euo pipefail

DIST=$1
VERSION=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/target/dist-check/install
CLEAN_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

clean() { env -i HOME="$HOME" PATH="$CLEAN_PATH" LANG=C.UTF-8 TMPDIR="${TMPDIR:-/tmp}" "$@"; }
step() { printf '\n== %s\n' "$*"; }

rm -rf "$WORK"
mkdir -p "$WORK"

step "no Rust toolchain on the PATH of the checks"
for tool in cargo rustc rustup; do
  if clean sh -c "command -v $tool" >/dev/null; then
    echo "$tool is reachable from PATH=$CLEAN_PATH: the check would not be clean"; exit 1
  fi
  echo "$tool: not found (good)"
done
clean python3 -c 'import sys; assert sys.version_info >= (3, 11), sys.version; print("python", sys.version.split()[0])'
echo "node $(clean node --version), npm $(clean npm --version)"
clean java -version 2>&1 | head -1

# ---- Python ----
step "Python: fresh venv, pip install the wheels"
PY=$WORK/python
mkdir -p "$PY"
clean python3 -m venv "$PY/venv"
clean "$PY/venv/bin/pip" install --quiet --no-index \
  "$DIST"/connector_service-"$VERSION"-*.whl "$DIST"/connector_service_sandbox-"$VERSION"-*.whl
clean "$PY/venv/bin/pip" list 2>/dev/null | grep -i connector
cp "$ROOT/examples/python/lifecycle.py" "$PY/"
step "Python: connector-sandbox --help"
clean "$PY/venv/bin/connector-sandbox" --help
step "Python: examples/python/lifecycle.py against the packaged sandbox"
(cd "$PY" && clean venv/bin/python lifecycle.py)
step "Python: connector_service_sandbox.start()"
(cd "$PY" && clean venv/bin/python - <<'PYEOF'
import connector_service as cs
from connector_service_sandbox import start

with start() as sandbox:
    client = cs.Client(cs.ClientConfig.from_dict({"connector": sandbox.credentials()["adyen"], "base_url": sandbox.base_url("adyen")}))
    payment = client.payments.authorize(
        amount=cs.Money(1000, "EUR"), merchant_reference="install-check",
        payment_method=cs.Card("4111111111111111", 3, 2030, cvc="737"), return_url="https://shop.example/return",
    )
    print(sandbox, "authorize:", payment.status)
    assert payment.status is cs.PaymentStatus.CHARGED  # automatic capture (the default)
print("python sandbox smoke: ok")
PYEOF
)

# ---- Node ----
step "Node: fresh npm project, npm install the tarballs"
NODEDIR=$WORK/node
mkdir -p "$NODEDIR"
NPM=$DIST/npm
cat > "$NODEDIR/package.json" <<JSON
{
  "name": "node-install-check",
  "private": true,
  "type": "module",
  "dependencies": {
    "connector-service": "file:$NPM/connector-service-$VERSION.tgz",
    "connector-service-sandbox": "file:$NPM/connector-service-sandbox-$VERSION.tgz"
  },
  "overrides": {
    "connector-service-linux-x64-gnu": "file:$NPM/connector-service-linux-x64-gnu-$VERSION.tgz",
    "connector-service-sandbox-linux-x64-gnu": "file:$NPM/connector-service-sandbox-linux-x64-gnu-$VERSION.tgz"
  }
}
JSON
(cd "$NODEDIR" && clean npm install --no-audit --no-fund --loglevel=error)
ls "$NODEDIR/node_modules"
cp "$ROOT/examples/node/lifecycle.mjs" "$NODEDIR/"
step "Node: npx connector-sandbox --help"
(cd "$NODEDIR" && clean npx --no-install connector-sandbox --help)
step "Node: examples/node/lifecycle.mjs against the packaged sandbox"
(cd "$NODEDIR" && clean node lifecycle.mjs)
step "Node: require('connector-sandbox').start()"
(cd "$NODEDIR" && clean node --input-type=module - <<'JSEOF'
import assert from 'node:assert/strict';
import { Client } from 'connector-service';
import { start } from 'connector-service-sandbox';

const sandbox = await start();
try {
  const { adyen } = await sandbox.credentials();
  const client = new Client({
    connector: { type: 'adyen', apiKey: adyen.api_key, merchantAccount: adyen.merchant_account },
    baseUrl: sandbox.baseUrl('adyen'),
  });
  const payment = await client.payments.authorize({
    amount: { minorUnits: 1000, currency: 'EUR' }, merchantReference: 'install-check',
    paymentMethod: { type: 'card', number: '4111111111111111', expiryMonth: 3, expiryYear: 2030, cvc: '737' },
    returnUrl: 'https://shop.example/return',
  });
  console.log(sandbox.url, 'authorize:', payment.status);
  assert.equal(payment.status, 'charged'); // automatic capture (the default)
} finally {
  await sandbox.stop();
}
console.log('node sandbox smoke: ok');
JSEOF
)

# ---- Kotlin / JVM ----
step "Kotlin: fresh Maven project, mvn install:install-file + dist/maven as a repository"
KT=$WORK/kotlin
M2=$KT/m2
mkdir -p "$KT/src/main/kotlin"
# Its own local repository: a copy of ~/.m2's downloads (to spare the network), without any
# io.connectorservice artefact that an earlier `make -C bindings-kotlin install` put there.
if [ -d "$HOME/.m2/repository" ]; then cp -r "$HOME/.m2/repository" "$M2"; else mkdir -p "$M2"; fi
rm -rf "$M2/io/connectorservice"
MVN="mvn -B -ntp -q -Dmaven.repo.local=$M2"
REPO_DIR=$DIST/maven/io/connectorservice
LIB=$REPO_DIR/connector-service/$VERSION/connector-service-$VERSION
(cd "$KT" && clean $MVN org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
  -Dfile="$LIB.jar" -DpomFile="$LIB.pom" -Dsources="$LIB-sources.jar" -Djavadoc="$LIB-javadoc.jar")
ls "$M2/io/connectorservice/connector-service/$VERSION"
cp -r "$ROOT/examples/kotlin/src/main/kotlin/." "$KT/src/main/kotlin/"
cp "$ROOT/packaging/install-check/SandboxSmoke.kt" "$KT/src/main/kotlin/"
SANDBOX_JAR=$REPO_DIR/connector-service-sandbox/$VERSION/connector-service-sandbox-$VERSION.jar
printf '#!/bin/sh\n# The `connector-sandbox` command for JVM users: java -jar connector-service-sandbox.jar\nexec java -jar "%s" "$@"\n' "$SANDBOX_JAR" > "$KT/connector-sandbox"
chmod +x "$KT/connector-sandbox"
sed -e "s|@VERSION@|$VERSION|g" -e "s|@REPO@|file://$DIST/maven|g" -e "s|@SANDBOX_CMD@|$KT/connector-sandbox|g" \
  "$ROOT/packaging/install-check/pom.xml.in" > "$KT/pom.xml"
step "Kotlin: examples/kotlin lifecycle against the packaged sandbox (java -jar), and Sandbox.start()"
(cd "$KT" && clean $MVN compile exec:exec@lifecycle exec:exec@smoke)

step "make dist-install-check: Python, Node and Kotlin installs passed with no Rust toolchain"

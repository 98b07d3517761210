"""Shared paths for the training tests (run with `npm run test:training`, see training/README.md)."""
import json
import os
import subprocess
import sys

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TRAINING)
sys.path.insert(0, TRAINING)

# The pretrained weights the scripts convert or fine-tune, pinned by training/package-lock.json
# (`npm ci --prefix training --ignore-scripts`); MG_WEIGHTS_NODE_MODULES points elsewhere.
WEIGHTS_NM = os.environ.get('MG_WEIGHTS_NODE_MODULES') or os.path.join(TRAINING, 'node_modules')


def weights_path(*parts):
    p = os.path.join(WEIGHTS_NM, *parts)
    if not os.path.exists(p):
        raise FileNotFoundError('%s is missing: run `npm ci --prefix training --ignore-scripts` (or set MG_WEIGHTS_NODE_MODULES)' % p)
    return p


def read_json(*parts):
    with open(os.path.join(*parts)) as fh:
        return json.load(fh)


def run(args, what, env=None):
    """A training script run by this Python from the repository root; its output, or an AssertionError with it."""
    r = subprocess.run([sys.executable] + args, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if r.returncode != 0:
        raise AssertionError('%s failed (exit %d):\n%s' % (what, r.returncode, (r.stdout + r.stderr)[-4000:]))
    return r.stdout


def run_engine(code, args, what):
    """JavaScript run by Node with tsx from the repository root, so it can require the engine's TypeScript
    (src-main/...); its stdout, or an AssertionError with its output."""
    r = subprocess.run(['node', '--import', 'tsx', '-e', code] + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError('%s:\n%s' % (what, (r.stdout + r.stderr)[-3000:]))
    return r.stdout


def check_manifest_in_engine(path):
    """The engine's manifest schema (zod) on the written manifest."""
    code = ("const {parseManifest}=require('./src-main/core/analysis/manifest.ts');"
            "const m=parseManifest(JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')), process.argv[1]);"
            "console.log(JSON.stringify({id:m.id,version:m.version}))")
    return json.loads(run_engine(code, [path], 'the engine refuses %s' % path).strip().splitlines()[-1])

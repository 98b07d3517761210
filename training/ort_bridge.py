"""Python client for scripts/models/ort-bridge.cjs (onnxruntime-node, the app's runtime)."""
import json
import os
import subprocess

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class OrtBridge:
    def __init__(self, node_modules=None):
        node_modules = node_modules or os.environ.get('MG_NODE_MODULES') or os.path.join(ROOT, 'node_modules')
        self.p = subprocess.Popen(['node', os.path.join(ROOT, 'scripts/models/ort-bridge.cjs'), node_modules],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.meta = {}

    def _req(self, obj, blobs=()):
        self.p.stdin.write((json.dumps(obj) + '\n').encode())
        for b in blobs:
            self.p.stdin.write(b)
        self.p.stdin.flush()
        rep = json.loads(self.p.stdout.readline())
        if not rep.get('ok'):
            raise RuntimeError(rep.get('error'))
        return rep

    def load(self, key, path, threads=1):
        rep = self._req({'op': 'load', 'key': key, 'path': os.path.abspath(path), 'threads': threads})
        self.meta[key] = rep
        return rep

    def run(self, key, feeds):
        """feeds: dict name -> float32 array. Returns (dict name -> array, ms)."""
        ins, blobs = [], []
        for name, arr in feeds.items():
            b = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
            ins.append({'name': name, 'shape': list(arr.shape), 'bytes': len(b)})
            blobs.append(b)
        rep = self._req({'op': 'run', 'key': key, 'inputs': ins}, blobs)
        outs = {}
        for o in rep['outputs']:
            raw = self.p.stdout.read(o['bytes'])
            outs[o['name']] = np.frombuffer(raw, dtype=np.float32).reshape(o['shape'])
        return outs, rep['ms']

    def close(self):
        self.p.stdin.close()
        self.p.wait()

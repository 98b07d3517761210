"""The face model's training and export commands run end to end on a few synthetic face crops (no ../shared): a
3-step train_face.py run of each backbone the shipped v9 combines, export_face.py alone (float) and as the two-run
ensemble (int8 ResNet member, size correction), and the results are what the engine loads: the exported graph
gives the PyTorch net's logits, and the manifests pass the engine's own schema (src-main/core/analysis/manifest.ts).
A smoke test of the recipe's plumbing, not of its accuracy (the cards hold that)."""
import json
import math
import os
import tempfile
import unittest

import cv2
import numpy as np
import torch

from helpers import TRAINING, check_manifest_in_engine, read_json, run, weights_path

# BlazeFace's six keypoints (right eye, left eye, nose, mouth, right ear, left ear) in a stored 224-px crop, whose
# face box is the central 1/1.5 of the crop (prep_faces.py)
KPS = [[85, 95], [139, 95], [112, 122], [112, 148], [62, 108], [162, 108]]
SIZE_CORRECTION = {'px': [40, 80, 160], 'logit': [-2.0, -0.5, 0.0], 'measuredOn': 'a made-up table for this test'}


def synthetic_face(rng):
    """A 224-px crop: a smooth random background, a skin-toned ellipse with eyes and a mouth, mild noise."""
    bg = cv2.resize(rng.integers(0, 255, (6, 6, 3), dtype=np.uint8), (224, 224), interpolation=cv2.INTER_CUBIC)
    img = bg.copy()
    skin = tuple(int(v) for v in rng.integers(90, 230, 3))
    cv2.ellipse(img, (112, 118), (int(rng.integers(52, 64)), int(rng.integers(66, 78))), 0, 0, 360, skin, -1)
    for x, y in KPS[:2]:
        cv2.circle(img, (x, y), 7, (40, 30, 30), -1)
    cv2.ellipse(img, tuple(KPS[3]), (18, 6), 0, 0, 360, (120, 50, 60), -1)
    img = cv2.GaussianBlur(img, (5, 5), 1.2).astype(np.float32) + rng.normal(0, 4, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


class FacePipeline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cls.faces, cls.data = os.path.join(t, 'faces'), os.path.join(t, 'data')
        os.makedirs(cls.faces); os.makedirs(cls.data)
        rng = np.random.default_rng(0)
        meta = []
        # 12 training reals (an SBI source), and a held-out face-swap source: 3 groups of 4 real + 4 "fake" faces
        specs = [('celeba_avalentin', 'celeba', 0)] * 12 + [('ffpp_c40_mudouble', 'ffpp_%d' % g, y) for g in range(3) for y in (0, 1) for _ in range(4)]
        for i, (src, grp, y) in enumerate(specs):
            f = '%05d_00_00.png' % i
            cv2.imwrite(os.path.join(cls.faces, f), synthetic_face(rng))
            meta.append(dict(file=f, relpath='%s/%d.png' % (src, i), source=src, y=y, group=grp, generator='synthetic',
                             frame=0, face=0, score=0.9, face_px=float(rng.uniform(60, 200)), kps=KPS, is_video=False))
        with open(os.path.join(cls.faces, 'meta_0.json'), 'w') as fh:
            json.dump(meta, fh)
        with open(os.path.join(cls.data, 'MANIFEST.tsv'), 'w') as fh:
            fh.write('relpath\tlabel\tmanipulation_or_generator\tsource_repo\tsource_path\tlicense\tsplit\n')
        faceapi = weights_path('@vladmandic', 'face-api', 'model')
        common = ['--faces', cls.faces, '--faceapi', faceapi, '--exclude-sources', 'ffpp_c40_mudouble', '--batch', '4',
                  '--steps', '3', '--threads', '1', '--skip-heldout', '--hm-cls', '--seed', '1']
        cls.dense = os.path.join(t, 'runs', 'dense')
        cls.resnet = os.path.join(t, 'runs', 'resnet')
        run([os.path.join(TRAINING, 'train_face.py'), '--out', cls.dense, '--backbone', 'dense', '--input-size', '160'] + common, 'train_face.py (dense)')
        run([os.path.join(TRAINING, 'train_face.py'), '--out', cls.resnet, '--backbone', 'resnet', '--freeze-upto', 'conv64_3'] + common, 'train_face.py (resnet)')
        cls.single, cls.ens = os.path.join(t, 'models1'), os.path.join(t, 'models2')
        os.makedirs(cls.single); os.makedirs(cls.ens)
        sc = os.path.join(t, 'size-correction.json')
        with open(sc, 'w') as fh:
            json.dump({'sizeCorrection': SIZE_CORRECTION}, fh)
        exp = [os.path.join(TRAINING, 'export_face.py'), '--run', cls.dense, '--faces', cls.faces, '--data', cls.data, '--version', '0.0.1']
        run(exp + ['--models', cls.single], 'export_face.py (one run)')
        cls.scores_single = read_json(cls.dense, 'heldout_scores_onnx.json')  # the ensemble export rewrites it
        run(exp + ['--models', cls.ens, '--with-run', cls.resnet, '--size-correction', sc], 'export_face.py (ensemble)')
        cls.scores_ens = read_json(cls.dense, 'heldout_scores_onnx.json')

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_training_logs_finite_losses_and_its_arguments(self):
        for r in (self.dense, self.resnet):
            log = read_json(r, 'train_log.json')
            self.assertEqual(log['args']['seed'], 1)
            self.assertTrue(log['log'] and all(math.isfinite(e['loss']) for e in log['log']), log['log'])
            self.assertTrue(os.path.getsize(os.path.join(r, 'model.pt')) > 0)

    def torch_logits(self, run, files):
        from export_face import load_run
        from train_face import load_faces, predict
        _, _, size, net = load_run(run)
        by_file = {m['file']: m for m in load_faces(self.faces)}
        return np.asarray(predict(net, [by_file[f] for f in files], 'cpu', size=size), np.float64), size, net

    def test_exported_graph_gives_the_torch_logits(self):
        files = self.scores_single['files']
        self.assertEqual(len(files), 24)
        ref, _, _ = self.torch_logits(self.dense, files)
        np.testing.assert_allclose(np.asarray(self.scores_single['scores']), ref, atol=1e-4)

    def test_ensemble_graph_follows_the_torch_ensemble(self):
        # export_face.py standardises each member on these held-out faces' logits; the ResNet member is int8 in the file
        from export_face import crop_input
        from face_model import FaceEnsemble
        from train_face import load_faces
        files = self.scores_ens['files']
        (l1, s1, n1), (l2, s2, n2) = self.torch_logits(self.dense, files), self.torch_logits(self.resnet, files)
        ens = FaceEnsemble([n1, n2], [s1, s2], [float(l1.astype(np.float32).mean()), float(l2.astype(np.float32).mean())],
                           [float(l1.astype(np.float32).std()), float(l2.astype(np.float32).std())]).eval()
        by_file = {m['file']: m for m in load_faces(self.faces)}
        x = torch.from_numpy(np.stack([crop_input(by_file[f]['path'], s1) for f in files]))
        with torch.no_grad():
            ref = ens(x)[0][:, 0].numpy()
        # the float graph export_face.py quantises: the torch ensemble's logits
        from ort_bridge import OrtBridge
        br = OrtBridge()
        try:
            br.load('f', os.path.join(self.dense, 'mg-face-sbi.float.onnx'))
            flt = np.array([float(br.run('f', {'face': x[i:i + 1].numpy()})[0]['logit'][0, 0]) for i in range(len(files))])
        finally:
            br.close()
        np.testing.assert_allclose(flt, ref, atol=1e-3 * max(1.0, np.abs(ref).max()))
        # the shipped file (int8 ResNet member, scored by export_face.py through onnxruntime-node) ranks as the float one
        self.assertGreater(np.corrcoef(np.asarray(self.scores_ens['scores']), ref)[0, 1], 0.95)

    def test_manifests_load_in_the_engine(self):
        for d, n_members in ((self.single, 1), (self.ens, 2)):
            path = os.path.join(d, 'mg-face-sbi.json')
            man = read_json(path)
            self.assertEqual(check_manifest_in_engine(path), {'id': 'mg-face-sbi', 'version': '0.0.1'})
            self.assertEqual(man['input']['shape'], [1, 3, 160, 160])
            # the engine must cut the crops the model was trained on (axis-aligned, mirrored past the frame's edge)
            self.assertEqual((man['input']['align'], man['input']['border']), (False, 'reflect'))
            self.assertLess(man['thresholds']['authentic'], man['thresholds']['manipulated'])
            self.assertTrue(all(math.isfinite(v) for v in man['calibration']['params'].values()))
            self.assertEqual(man['limits']['minFacePx'], 40)
            self.assertTrue(man['provenance']['command'].startswith('python3 training/train_face.py'))
            self.assertEqual(man['provenance']['command'].count('train_face.py'), n_members)
        ens = read_json(self.ens, 'mg-face-sbi.json')
        self.assertEqual(ens['sizeCorrection'], SIZE_CORRECTION)
        self.assertIn('int8', ens['provenance']['quantization']['method'])
        self.assertIn('ensemble', ens['provenance'])


if __name__ == '__main__':
    unittest.main()

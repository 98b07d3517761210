"""Face detector evaluation: recall/precision against YuNet's boxes (IoU >= 0.5) on the still images of a
MANIFEST.tsv folder, and speed on a 640x480 frame, for the project's detector and the reference detectors
(UltraFace RFB-320 / slim-320), all run through onnxruntime-node in the same run.

Usage: python3 training/eval_face_detector.py --data ../shared/datasets --refs ../shared/reference-models \
          [--model models/mg-face-detector.json] [--json out.json]
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, read_manifest, load_image_rgb, yunet_detect, ultraface_detect, nms, iou_matrix  # noqa
from ort_bridge import OrtBridge  # noqa


def mg_detect(bridge, key, man, img_rgb, thr=None, iou=None):
    """Runs a manifest-described face detector exactly as the engine should: letterbox, normalise, threshold, NMS."""
    inp = man['input']
    size = inp['shape'][2]
    h, w = img_rgb.shape[:2]
    s = size / max(h, w)
    nw, nh = max(1, round(w * s)), max(1, round(h * s))
    px, py = (size - nw) // 2, (size - nh) // 2
    canvas = np.zeros((size, size, 3), np.uint8)
    canvas[py:py + nh, px:px + nw] = cv2.resize(img_rgb, (nw, nh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    x = (canvas.astype(np.float32) / inp['scale'] - np.array(inp['mean'], np.float32)) / np.array(inp['std'], np.float32)
    x = x.transpose(2, 0, 1)[None]
    out, ms = bridge.run(key, {inp['name']: x})
    o = man['outputs']
    b = out[o['boxes']['name']][0] * size
    sc = out[o['scores']['name']][0]
    kp = out[o['landmarks']['name']][0] * size
    thr = o['scoreThreshold'] if thr is None else thr
    m = sc >= thr
    b, sc, kp = b[m], sc[m], kp[m]
    keep = nms(b, sc, o['nmsIou'] if iou is None else iou)
    res = [((b[i] - [px, py, px, py]) / s, float(sc[i]), (kp[i] - [px, py]) / s) for i in keep]
    return res, ms


# Zoom-out pass, mirroring src-main/core/analysis/face-detect.ts (detectZoomedOut): when the whole frame shows no
# face, the frame is shrunk into the middle of a black canvas ZOOM_OUT times its long side (a face filling the
# picture is larger than BlazeFace's anchors); boxes under ZOOM_MIN_FACE of the frame's shorter side are dropped.
ZOOM_OUT, ZOOM_MIN_FACE = 2, 0.3


def js_round(v):
    return int(np.floor(v + 0.5))


def zoom_out_geometry(w, h, size):
    """(fw, fh, side, ox, oy): the frame shrunk to fw x fh (never enlarged) at (ox, oy) of a side x side canvas
    (face-detect.ts zoomOutGeometry)."""
    s = min(1.0, size / (ZOOM_OUT * max(h, w)))
    fw, fh = max(1, js_round(w * s)), max(1, js_round(h * s))
    side = ZOOM_OUT * max(fw, fh)
    return fw, fh, side, (side - fw) // 2, (side - fh) // 2


def mg_detect_zoomed_out(bridge, key, man, img_rgb):
    h, w = img_rgb.shape[:2]
    fw, fh, side, ox, oy = zoom_out_geometry(w, h, min(man['input']['shape'][2:4]))
    small = img_rgb if (fw, fh) == (w, h) else cv2.resize(img_rgb, (fw, fh), interpolation=cv2.INTER_AREA)
    canvas = np.zeros((side, side, 3), np.uint8)
    canvas[oy:oy + fh, ox:ox + fw] = small
    res, ms = mg_detect(bridge, key, man, canvas)
    sx, sy = w / fw, h / fh
    out = []
    for b, sc, k in res:
        b = np.array([max(0, (b[0] - ox) * sx), max(0, (b[1] - oy) * sy), min(w, (b[2] - ox) * sx), min(h, (b[3] - oy) * sy)])
        if max(b[2] - b[0], b[3] - b[1]) >= ZOOM_MIN_FACE * min(w, h):
            out.append((b, sc, (k - [ox, oy]) * [sx, sy]))
    return out, ms


def mg_detect_app(bridge, key, man, img_rgb, tiles, zoom_out=True):
    """The app's detection: the whole frame, the zoom-out pass when it found nothing, and (stills) the tiles."""
    res, ms = mg_detect(bridge, key, man, img_rgb)
    if not res and zoom_out:
        res, t = mg_detect_zoomed_out(bridge, key, man, img_rgb)
        ms += t
    if not tiles:
        return res, ms
    return mg_detect_tiled(bridge, key, man, img_rgb, whole=(res, ms))


# Still-image tiling, mirroring src-main/core/analysis/face-detect.ts (tileGrid / detectFaces with tiles).
TILE_GRID, TILE_SHRINK, TILE_OVERLAP, TILE_MAX_FACE = 3, 2.0, 0.2, 0.4


def tile_grid(W, H, side):
    n = min(TILE_GRID, int(np.ceil(max(W, H) / (side * TILE_SHRINK))))
    if n < 2:
        return []
    tw, th = W / (n - (n - 1) * TILE_OVERLAP), H / (n - (n - 1) * TILE_OVERLAP)
    out = []
    for gy in range(n):
        for gx in range(n):
            x, y = int(round(gx * tw * (1 - TILE_OVERLAP))), int(round(gy * th * (1 - TILE_OVERLAP)))
            out.append((x, y, min(W, int(round(x + tw))) - x, min(H, int(round(y + th))) - y))
    return out


def keep_tile_box(b, tile, W, H):
    """A tile's box (x1, y1, x2, y2 in tile pixels, clipped to the tile) joins the merge unless it touches an edge
    the tile shares with a neighbour or is larger than TILE_MAX_FACE of the tile (face-detect.ts keepTileBox)."""
    x, y, w, h = tile
    eps = 2
    cut = (b[0] <= eps and x > 0) or (b[1] <= eps and y > 0) or (b[2] >= w - eps and x + w < W) or (b[3] >= h - eps and y + h < H)
    return not cut and max(b[2] - b[0], b[3] - b[1]) <= TILE_MAX_FACE * min(w, h)


def mg_detect_tiled(bridge, key, man, img_rgb, whole=None):
    """The whole frame (or the given whole-frame result) plus overlapping tiles, merged by NMS."""
    whole, ms = whole or mg_detect(bridge, key, man, img_rgb)
    H, W = img_rgb.shape[:2]
    boxes, scores, kps = [f[0] for f in whole], [f[1] for f in whole], [f[2] for f in whole]
    for x, y, w, h in tile_grid(W, H, man['input']['shape'][2]):
        res, t = mg_detect(bridge, key, man, img_rgb[y:y + h, x:x + w])
        ms += t
        for b, s, k in res:
            b = np.array([max(0, b[0]), max(0, b[1]), min(w, b[2]), min(h, b[3])])
            if not keep_tile_box(b, (x, y, w, h), W, H):
                continue
            boxes.append(b + [x, y, x, y]); scores.append(s); kps.append(k + [x, y])
    if not boxes:
        return [], ms
    boxes, scores = np.array(boxes).reshape(-1, 4), np.array(scores)
    keep = nms(boxes, scores, man['outputs']['nmsIou'])
    return [(boxes[i], float(scores[i]), kps[i]) for i in keep], ms


def match(gt, pred, thr=0.5):
    """Greedy one-to-one matching by IoU; returns true positives."""
    iou = iou_matrix([g[0] for g in gt], [p[0] for p in pred])
    tp = 0
    used = set()
    for gi in np.argsort(-iou.max(1) if iou.size else np.zeros(len(gt))):
        if iou.shape[1] == 0:
            break
        order = np.argsort(-iou[gi])
        for pj in order:
            if pj not in used and iou[gi, pj] >= thr:
                used.add(pj); tp += 1
                break
    return tp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--refs', required=True)
    ap.add_argument('--model', default=os.path.join(ROOT, 'models/mg-face-detector.json'))
    ap.add_argument('--json', default=None)
    ap.add_argument('--max-side', type=int, default=1600, help='teacher input cap (YuNet runs at native size up to this)')
    ap.add_argument('--speed-only', default=None, metavar='JSON', help='take recall/precision from this earlier --json '
                    'output and measure only the speed (e.g. again on an idle machine)')
    a = ap.parse_args()
    man = json.load(open(a.model))
    br = OrtBridge()
    br.load('mg', os.path.join(os.path.dirname(a.model), man['file']))
    br.load('yunet', os.path.join(a.refs, 'yunet/yunet_n_dynamic.onnx'))
    br.load('uf_rfb', os.path.join(a.refs, 'ultraface/version-RFB-320.onnx'))
    br.load('uf_slim', os.path.join(a.refs, 'ultraface/version-slim-320.onnx'))
    dets = {
        'mg-face-detector': lambda im: mg_detect(br, 'mg', man, im),
        'mg-face-detector+zoom': lambda im: mg_detect_app(br, 'mg', man, im, tiles=False),
        'mg-face-detector+zoom+tiles': lambda im: mg_detect_app(br, 'mg', man, im, tiles=True),
        'ultraface-RFB-320': lambda im: ultraface_detect(br, 'uf_rfb', im),
        'ultraface-slim-320': lambda im: ultraface_detect(br, 'uf_slim', im),
    }
    stats = {}
    rows = [r for r in read_manifest(a.data) if not r['is_video']]
    if a.speed_only:
        stats, rows = json.load(open(a.speed_only))['stats'], []
    import pickle
    from common import CACHE
    gt_path = os.path.join(CACHE, 'yunet_gt_all_%d.pkl' % a.max_side)
    gt_cache = pickle.load(open(gt_path, 'rb')) if os.path.exists(gt_path) else {}
    for r in rows:
        im = load_image_rgb(r['path'])
        if im is None:
            continue
        s = min(1.0, a.max_side / max(im.shape[:2]))
        if s < 1:
            im = cv2.resize(im, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        if r['relpath'] not in gt_cache:
            gt, _ = yunet_detect(br, 'yunet', im)
            gt_cache[r['relpath']] = [g for g in gt if g[1] >= 0.5]
        gt = gt_cache[r['relpath']]
        for name, fn in dets.items():
            pred, _ = fn(im)
            tp = match(gt, pred)
            for src in (r['source'], 'ALL'):
                st = stats.setdefault(name, {}).setdefault(src, dict(gt=0, pred=0, tp=0, imgs=0))
                st['gt'] += len(gt); st['pred'] += len(pred); st['tp'] += tp; st['imgs'] += 1
    os.makedirs(CACHE, exist_ok=True)
    pickle.dump(gt_cache, open(gt_path, 'wb'))
    # speed on a 640x480 frame (median of 30 runs after warm-up), same process, 1 thread
    frame = load_image_rgb(os.path.join(a.data, 'ultraface_imgs/real/1.jpg'))
    frame = cv2.resize(frame, (640, 480))
    speed = {}
    for name, fn in list(dets.items()) + [('yunet_n_dynamic (teacher)', lambda im: yunet_detect(br, 'yunet', im))]:
        if '+' in name:
            continue  # a 640x480 picture with faces is neither zoomed out nor tiled: the same pass as the whole frame
        for _ in range(3):
            fn(frame)
        ts, tot = [], []
        for _ in range(30):
            t0 = time.perf_counter(); _, ms = fn(frame); tot.append((time.perf_counter() - t0) * 1e3); ts.append(ms)
        speed[name] = dict(model_ms=float(np.median(ts)), total_ms=float(np.median(tot)))
    print('Face detection vs YuNet (yunet_n_dynamic, score=cls*obj>=0.5, NMS 0.45) boxes, IoU>=0.5; images of', a.data)
    print('%-20s %-22s %6s %6s %6s %7s %9s' % ('source', 'detector', 'imgs', 'gt', 'pred', 'recall', 'precision'))
    for src in sorted(stats['mg-face-detector']):
        for name in dets:
            st = stats[name][src]
            st['recall'] = st['tp'] / max(1, st['gt']); st['precision'] = st['tp'] / max(1, st['pred'])
            print('%-20s %-22s %6d %6d %6d %7.3f %9.3f' % (src, name, st['imgs'], st['gt'], st['pred'], st['recall'], st['precision']))
    print('\nSpeed on one 640x480 frame, onnxruntime-node CPU, 1 thread, median of 30 (model = session.run; total = incl. pre/post in Python):')
    for name, v in speed.items():
        print('  %-28s model %6.1f ms   total %6.1f ms' % (name, v['model_ms'], v['total_ms']))
    if a.json:
        json.dump(dict(stats=stats, speed=speed), open(a.json, 'w'), indent=1)
    br.close()


if __name__ == '__main__':
    main()

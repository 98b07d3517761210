"""Shared helpers: dataset manifest, media decoding, reference detectors (YuNet, UltraFace)."""
import csv
import hashlib
import os
import subprocess

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get('MG_TRAINING_CACHE') or os.path.join(ROOT, 'training', '.cache')  # tests point it at a temporary folder
VIDEO_EXT = ('.mp4', '.avi', '.mov', '.mkv', '.webm')


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(data_dir):
    """Rows of MANIFEST.tsv as dicts, with 'path' (absolute) and 'source' (top folder) added."""
    rows = []
    with open(os.path.join(data_dir, 'MANIFEST.tsv'), newline='') as f:
        for r in csv.DictReader(f, delimiter='\t'):
            r['path'] = os.path.join(data_dir, r['relpath'])
            r['source'] = r['relpath'].split('/')[0]
            r['is_video'] = r['relpath'].lower().endswith(VIDEO_EXT)
            r['y'] = 1 if r['label'] == 'fake' else 0
            rows.append(r)
    return rows


def generator_group(r):
    """Short per-generator group name for reports."""
    g = r['manipulation_or_generator']
    if r['source'] == 'cnndetection':
        b = r['relpath'].split('/')[-1].split('_')
        return 'cnndetection/' + (b[1] if len(b) > 2 else 'example') if r['y'] else 'cnndetection/real'
    if g.startswith('DFDC'):
        return 'DFDC face swap' if r['y'] else 'DFDC real'
    return g.split(';')[0].split(' (')[0] if r['y'] else 'real'


def load_image_rgb(path):
    """Decodes any still image by content (not extension); returns RGB uint8 or None."""
    data = np.fromfile(path, dtype=np.uint8)
    img = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if img is None:
        return None
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def video_frames(path, n=8):
    """n evenly spaced RGB frames. Decodes sequentially from the start (no seeking: FF++ files have bad
    random-access points) and lets ffmpeg's select filter keep only the wanted frames."""
    probe = subprocess.run(['ffprobe', '-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries',
                            'stream=width,height,nb_read_packets', '-of', 'csv=p=0', path], capture_output=True, text=True)
    w, h, cnt = [int(v) for v in probe.stdout.strip().split(',')[:3]]
    idx = sorted(set(np.linspace(0, cnt - 1, n).round().astype(int).tolist())) if n < cnt else list(range(cnt))
    sel = '+'.join('eq(n\\,%d)' % i for i in idx)
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-vf', 'select=' + sel, '-vsync', '0',
                          '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], capture_output=True).stdout
    frames = np.frombuffer(raw, np.uint8)
    k = len(frames) // (w * h * 3)
    return [f.copy() for f in frames[:k * w * h * 3].reshape(k, h, w, 3)]


def load_media(r, n_frames=8):
    """List of RGB frames for a manifest row (1 for images)."""
    if r['is_video']:
        return video_frames(r['path'], n_frames)
    img = load_image_rgb(r['path'])
    return [] if img is None else [img]


# ---------- reference detectors (run through the ORT bridge) ----------

def yunet_detect(bridge, key, img_rgb, thr=0.6, nms_iou=0.45):
    """YuNet dynamic: BGR raw 0..255, zero-padded top-left to multiples of 32. Returns [(box, score, kps5)]."""
    h, w = img_rgb.shape[:2]
    H, W = -(-h // 32) * 32, -(-w // 32) * 32
    x = np.zeros((1, 3, H, W), np.float32)
    x[0, :, :h, :w] = img_rgb[:, :, ::-1].transpose(2, 0, 1)
    out, ms = bridge.run(key, {'input': x})
    boxes, scores, kps = [], [], []
    for s in (8, 16, 32):
        gh, gw = H // s, W // s
        cls, obj = out['cls_%d' % s][0, :, 0], out['obj_%d' % s][0, :, 0]
        bb, kp = out['bbox_%d' % s][0], out['kps_%d' % s][0]
        rows, cols = np.divmod(np.arange(gh * gw), gw)
        ax, ay = cols * s, rows * s
        sc = np.sqrt(np.clip(cls, 0, 1) * np.clip(obj, 0, 1))
        m = sc >= thr
        cx = bb[m, 0] * s + ax[m]; cy = bb[m, 1] * s + ay[m]
        ww = np.exp(bb[m, 2]) * s; hh = np.exp(bb[m, 3]) * s
        boxes.append(np.stack([cx - ww / 2, cy - hh / 2, cx + ww / 2, cy + hh / 2], 1))
        scores.append(sc[m])
        k = kp[m].reshape(-1, 5, 2) * s + np.stack([ax[m], ay[m]], 1)[:, None, :]
        kps.append(k)
    boxes, scores, kps = np.concatenate(boxes), np.concatenate(scores), np.concatenate(kps)
    keep = nms(boxes, scores, nms_iou)
    return [(boxes[i], float(scores[i]), kps[i]) for i in keep], ms


def ultraface_detect(bridge, key, img_rgb, thr=0.7, nms_iou=0.3, size=(320, 240)):
    h, w = img_rgb.shape[:2]
    x = cv2.resize(img_rgb, size).astype(np.float32)
    x = ((x - 127.0) / 128.0).transpose(2, 0, 1)[None]
    out, ms = bridge.run(key, {'input': x})
    sc = out['scores'][0, :, 1]
    bb = out['boxes'][0] * [w, h, w, h]
    m = sc >= thr
    bb, sc = bb[m], sc[m]
    keep = nms(bb, sc, nms_iou)
    return [(bb[i], float(sc[i]), None) for i in keep], ms


def nms(boxes, scores, iou=0.3):
    order = np.argsort(-scores)
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        rest = order[1:]
        xx1 = np.maximum(boxes[i, 0], boxes[rest, 0]); yy1 = np.maximum(boxes[i, 1], boxes[rest, 1])
        xx2 = np.minimum(boxes[i, 2], boxes[rest, 2]); yy2 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        a = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1])
        b = (boxes[rest, 2] - boxes[rest, 0]) * (boxes[rest, 3] - boxes[rest, 1])
        order = rest[inter / (a + b - inter + 1e-9) <= iou]
    return keep


def iou_matrix(a, b):
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    a, b = np.asarray(a)[:, None, :], np.asarray(b)[None, :, :]
    xx1 = np.maximum(a[..., 0], b[..., 0]); yy1 = np.maximum(a[..., 1], b[..., 1])
    xx2 = np.minimum(a[..., 2], b[..., 2]); yy2 = np.minimum(a[..., 3], b[..., 3])
    inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
    area = lambda z: (z[..., 2] - z[..., 0]) * (z[..., 3] - z[..., 1])
    return inter / (area(a) + area(b) - inter + 1e-9)

"""Self-blended images (Shiohara & Yamasaki, CVPR 2022) from a face crop and 6 BlazeFace keypoints,
with the Face X-ray blending-boundary target B = 4·M·(1−M) (Li et al., CVPR 2020).

The blended region is the hull of 68 landmarks when the caller has them (landmarks68.py; SBI uses landmark hulls),
else a face-shaped template placed in the frame of BlazeFace's 6 keypoints (eyes, nose, mouth, ear tragions);
either is then randomly deformed, as SBI deforms its masks."""
import cv2
import numpy as np

# template hull in (a along eye axis, b along eye->mouth axis) units; eye centre = (0,0), mouth = (0,1)
_HULL = np.array([[-1.05, -0.55], [-0.6, -0.85], [0.0, -0.95], [0.6, -0.85], [1.05, -0.55], [1.15, 0.2],
                  [1.0, 0.9], [0.65, 1.45], [0.0, 1.7], [-0.65, 1.45], [-1.0, 0.9], [-1.15, 0.2]], np.float32)
_INNER = np.array([[-0.85, -0.35], [0.0, -0.5], [0.85, -0.35], [0.8, 0.7], [0.45, 1.3], [0.0, 1.4],
                   [-0.45, 1.3], [-0.8, 0.7]], np.float32)


# face-api / iBUG 68-point layout: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67
_JAW, _BROWS, _LOWER = np.arange(0, 17), np.arange(17, 27), np.r_[2:15, 27:36]


def landmark_hull(lm, rng):
    """One of four hulls of the 68 landmarks, as Face X-ray / SBI vary the blended region: the whole face (jaw +
    brows), the face with the brows lifted to take in the forehead, the inner face (brows, eyes, nose, mouth) and
    the lower face (jaw + nose)."""
    lm = np.asarray(lm, np.float32)
    r = rng.random()
    if r < 0.5:
        return lm[:27]
    if r < 0.7:
        eyes = lm[36:48].mean(0)
        brows = lm[_BROWS]
        return np.concatenate([lm[_JAW], brows + (brows - eyes) * rng.uniform(0.3, 0.9)])
    if r < 0.85:
        return lm[17:68]
    return lm[_LOWER]


def face_mask(shape, kps, rng, lm68=None):
    """A soft blending mask: the hull of the 68 landmarks when given (landmark_hull), else a face-shaped template
    placed by the 6 keypoints; then deformed (erode/dilate, elastic warp, blur) as SBI deforms its masks."""
    h, w = shape
    re, le, nose, mouth = kps[0], kps[1], kps[2], kps[3]
    ec = (re + le) / 2
    u = (le - re) / 2  # half eye distance along the eye axis (image-left eye to image-right eye)
    v = mouth - ec
    if np.linalg.norm(v) < 1e-3 or np.linalg.norm(u) < 1e-3:
        v = np.array([0, h * 0.25], np.float32); u = np.array([w * 0.15, 0], np.float32)
    if lm68 is not None:
        pts = landmark_hull(lm68, rng)
        c = pts.mean(0)
        pts = c + (pts - c) * rng.uniform(0.92, 1.08, size=(1, 2)) + rng.normal(0, 0.015 * w, size=pts.shape)
    else:
        tpl = _HULL if rng.random() < 0.6 else _INNER
        tpl = tpl * rng.uniform(0.85, 1.15, size=(1, 2)) + rng.normal(0, 0.06, size=tpl.shape)
        pts = ec + tpl[:, :1] * u * 1.6 + tpl[:, 1:] * v
    m = np.zeros((h, w), np.float32)
    cv2.fillConvexPoly(m, cv2.convexHull(pts.astype(np.int32)), 1.0)
    # random erosion / dilation then blur (SBI's mask deformation)
    k = int(rng.integers(1, max(2, w // 20)))
    ker = np.ones((k, k), np.uint8)
    m = cv2.erode(m, ker) if rng.random() < 0.5 else cv2.dilate(m, ker)
    # elastic-ish warp of the mask
    if rng.random() < 0.5:
        gs = 4
        dx = cv2.resize(rng.normal(0, w * 0.02, (gs, gs)).astype(np.float32), (w, h))
        dy = cv2.resize(rng.normal(0, h * 0.02, (gs, gs)).astype(np.float32), (w, h))
        xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        m = cv2.remap(m, xx + dx, yy + dy, cv2.INTER_LINEAR)
    b1 = int(rng.integers(1, 8)) * 2 + 1
    m = cv2.GaussianBlur(m, (b1, b1), 0)
    m = m / max(m.max(), 1e-6)
    b2 = int(rng.integers(2, 12)) * 2 + 1
    m2 = cv2.GaussianBlur(m, (b2, b2), 0)
    m = np.where(m > 0.999, m2, m) if rng.random() < 0.5 else m2
    return np.clip(m, 0, 1)


def _color_transform(img, rng):
    x = img.astype(np.float32)
    if rng.random() < 0.8:  # RGB shift
        x += rng.uniform(-20, 20, size=3)
    if rng.random() < 0.8:  # HSV shift
        hsv = cv2.cvtColor(np.clip(x, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV).astype(np.float32)
        hsv[..., 0] = (hsv[..., 0] + rng.uniform(-8, 8)) % 180
        hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(0.8, 1.2), 0, 255)
        hsv[..., 2] = np.clip(hsv[..., 2] * rng.uniform(0.85, 1.15), 0, 255)
        x = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    if rng.random() < 0.7:  # brightness / contrast
        x = (x - 128) * rng.uniform(0.85, 1.15) + 128 + rng.uniform(-15, 15)
    return np.clip(x, 0, 255)


def _freq_transform(img, rng):
    h, w = img.shape[:2]
    r = rng.random()
    if r < 0.35:  # down-up sampling (blur of a swapped, lower-res face)
        s = rng.uniform(0.35, 0.8)
        small = cv2.resize(img, (max(8, int(w * s)), max(8, int(h * s))), interpolation=cv2.INTER_AREA)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if r < 0.6:  # sharpen
        blur = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.8, 2.0))
        return np.clip(img + rng.uniform(0.3, 1.0) * (img - blur), 0, 255)
    if r < 0.75:
        return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.5))
    return img


def relight(img, rng):
    """Natural lighting changes of a whole photo (train_face.py --relight): a smooth illumination field (a spot light
    near the face or a light from one side, up to +-35 %), then an exposure gain (up to 1.5x, highlights clipped as an
    over-exposed camera clips them) and a gamma. Applied to a real face before it is used as a real or self-blended,
    so lighting alone tells neither class: a face brighter than its surroundings (over-exposed skin, studio light,
    make-up) must not read as SBI's colour-shifted inner face; only the blend's seam may."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = rng.uniform(-0.35, 0.35)
    if rng.random() < 0.5:  # spot light around a point of the central 60 %
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        sig = rng.uniform(0.25, 0.6) * w
        field = 1 + g * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * sig * sig))
    else:  # light from one side: a linear ramp across the crop
        th = rng.uniform(0, 2 * np.pi)
        ramp = ((xx - w / 2) * np.cos(th) + (yy - h / 2) * np.sin(th)) / w
        field = 1 + g * 2 * ramp
    x = img.astype(np.float32) / 255.0 * field[..., None] * rng.uniform(0.8, 1.5)
    x = np.clip(x, 0, 1) ** rng.uniform(0.75, 1.35)
    return (x * 255 + 0.5).astype(np.uint8)


def self_blend(img, kps, rng, lm68=None, resynth=None):
    """img: HxWx3 uint8 RGB face crop; kps: [6,2]; lm68: optional [68,2] landmarks (landmarks68.py).
    resynth: optional callable (HxWx3 uint8 -> HxWx3 uint8, e.g. a gen_recon.py autoencoder); when given, the
    blended-in face is the face re-synthesised by it (colour-shifted with p 0.7), as a face-swap pipeline pastes a
    decoder's face into the frame, instead of SBI's colour / frequency transform of the face itself.
    Returns (blended uint8, boundary map float32 HxW)."""
    h, w = img.shape[:2]
    tgt = img.astype(np.float32)
    if resynth is not None:
        src = resynth(img).astype(np.float32)
        if rng.random() < 0.7:
            src = _color_transform(src, rng)
    else:
        src = _freq_transform(_color_transform(img, rng), rng)
        if rng.random() < 0.5:
            src, tgt = tgt, src
    # small affine on the source (SBI: translation ±3 %, scale 0.95..1.05)
    s = rng.uniform(0.95, 1.05)
    tx, ty = rng.uniform(-0.03, 0.03) * w, rng.uniform(-0.03, 0.03) * h
    M = np.array([[s, 0, (1 - s) * w / 2 + tx], [0, s, (1 - s) * h / 2 + ty]], np.float32)
    src = cv2.warpAffine(src, M, (w, h), borderMode=cv2.BORDER_REFLECT)
    m = face_mask((h, w), np.asarray(kps, np.float32), rng, lm68)
    r = rng.choice([0.25, 0.5, 0.75, 1, 1, 1])
    mb = m * r
    out = src * mb[..., None] + tgt * (1 - mb[..., None])
    boundary = 4 * m * (1 - m)
    return np.clip(out, 0, 255).astype(np.uint8), boundary.astype(np.float32)

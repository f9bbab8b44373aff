#!/usr/bin/env python3
"""Hand-made track descriptors beside the learned embedding, on the model bench's own clips.

A diagnostic for issue #5's embedding goal (docs/benchmarks.md, "Hand-made rhythm and timbre
descriptors"). Not part of the runtime. Needs numpy (Debian: python3-numpy) and ffmpeg.

  AUDIOCAT_BENCH_DUMP=$AUDIOCAT_HOME/bench-dump bench/models/run.sh --clips 240 --hydrogen-max 200 --tracks 24
  python3 bench/models/descriptor-check.py $AUDIOCAT_HOME/bench-dump

The bench dumps its one-family TimGM6mb clips and its warzone2100 excerpts (PCM at 22050 Hz and the
published embedding). This script computes three descriptor groups per clip from a 2048/512 STFT:
  mfcc  20 MFCCs of 40 HTK-mel log energies, mean and standard deviation (the bench's baseline, 40-d)
  fp    fluctuation pattern: 16 mel groups x 30 modulation bins (0.17-5 Hz) of 128-frame blocks every
        64 frames, mean magnitude, log; pooled to 8 x 15 (120-d)
  ac    onset-strength autocorrelation (mean positive mel-dB difference), lags 1-156, pooled by 4 (39-d)
Every group is z-scored with constants from a TUNING set of real music that the bench never sees
(excerpts of Debian game soundtracks: singularity, hyperrogue, asc, planetblupi, wesnoth; every third
track, 11 x 10 s from the first 150 s as the bench does), divided by sqrt(dims), concatenated and
L2-normalised. The groups were chosen on that tuning set (same-track precision@10) before the bench
clips were scored; the printed table shows each group and the mixes with the learned embedding.
"""
import glob, os, subprocess, sys
import numpy as np

SR, N, H = 22050, 2048, 512
WIN = np.hanning(N + 1)[:N]


def decode(path, secs=150):
    out = subprocess.run(["ffmpeg", "-loglevel", "error", "-t", str(secs), "-i", path, "-ac", "1", "-ar", str(SR),
                          "-f", "f32le", "-"], capture_output=True).stdout  # a damaged file (3 in hyperrogue-music) gives little or nothing: skipped below
    return np.frombuffer(out, dtype=np.float32).astype(np.float64)


def melbank(bands, lo=30.0, hi=11025.0):
    mel = np.linspace(2595 * np.log10(1 + lo / 700), 2595 * np.log10(1 + hi / 700), bands + 2)
    f = 700 * (10 ** (mel / 2595) - 1)
    fr = np.arange(N // 2 + 1) * SR / N
    return np.array([np.clip(np.minimum((fr - f[b]) / (f[b + 1] - f[b]), (f[b + 2] - fr) / (f[b + 2] - f[b + 1])), 0, None)
                     for b in range(bands)])


M40, M64 = melbank(40), melbank(64)
DCT = np.cos(np.pi * np.arange(20)[:, None] * (np.arange(40)[None, :] + 0.5) / 40)


def descriptors(x):
    frames = 1 + (len(x) - N) // H
    idx = np.arange(N)[None, :] + H * np.arange(frames)[:, None]
    power = np.abs(np.fft.rfft(x[idx] * WIN, axis=1)) ** 2
    mf = np.log10(power @ M40.T + 1e-10) @ DCT.T
    lm = 10 * np.log10(power @ M64.T + 1e-10)
    g = lm.reshape(len(lm), 16, 4).mean(2)
    if len(g) < 128:
        g = np.vstack([g, np.repeat(g.mean(0, keepdims=True), 128 - len(g), 0)])
    blocks = [np.abs(np.fft.rfft((g[s:s + 128] - g[s:s + 128].mean(0)) * np.hanning(128)[:, None], axis=0))[1:31]
              for s in range(0, len(g) - 127, 64)]
    fp = np.log(np.mean(blocks, 0) + 1e-3).reshape(15, 2, 8, 2).mean((1, 3)).ravel()
    flux = np.maximum(np.diff(lm, axis=0), 0).mean(1)
    flux = flux - flux.mean()
    ac = np.correlate(flux, flux, "full")[len(flux) - 1:len(flux) - 1 + 160]
    ac = np.pad(ac, (0, 160 - len(ac)))
    ac = (ac[1:] / (ac[0] + 1e-9))[:156].reshape(39, 4).mean(1)
    return {"mfcc": np.concatenate([mf.mean(0), mf.std(0)]), "fp": fp, "ac": ac}


def p_at_10(v, y):
    v = v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-12)
    s = v @ v.T
    np.fill_diagonal(s, -9)
    y = np.asarray(y)
    return (y[np.argsort(-s, axis=1)[:, :10]] == y[:, None]).mean()


def tuning_set():
    tracks = []
    for d in ["/usr/share/games/singularity/music", "/usr/share/hyperrogue/music", "/usr/share/games/asc/music",
              "/usr/share/planetblupi/music", "/usr/share/games/wesnoth/1.16/data/core/music"]:
        tracks += sorted(f for f in glob.glob(d + "/**/*", recursive=True) if f.endswith((".ogg", ".opus", ".mp3", ".flac", ".wav")))
    feats, labels, t = [], [], 0
    for f in tracks[::3]:
        pcm = decode(f)
        n = 10 * SR
        if len(pcm) < 2 * n:
            continue
        for e in range(11):
            s = (len(pcm) - n) * e // 10
            feats.append(descriptors(pcm[s:s + n]))
            labels.append(t)
        t += 1
    return feats, labels


def dumped(root, name):
    rows = [line.split("\t") for line in open(os.path.join(root, name, "index.tsv")).read().splitlines()]
    feats = [descriptors(np.fromfile(os.path.join(root, name, r[0] + ".f32"), dtype="<f4").astype(np.float64)) for r in rows]
    return feats, [int(r[1]) for r in rows], np.array([[float(v) for v in r[2].split(",")] for r in rows])


def main():
    root = sys.argv[1]
    tf, ty = tuning_set()
    groups = ["mfcc", "fp", "ac"]
    ref = {k: np.array([f[k] for f in tf]) for k in groups}

    def vec(feats, keys):
        parts = [(np.array([f[k] for f in feats]) - ref[k].mean(0)) / (ref[k].std(0) + 1e-9) / np.sqrt(ref[k].shape[1]) for k in keys]
        v = np.hstack(parts)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    ff, fy, fe = dumped(root, "family")
    rf, ry, re_ = dumped(root, "recording")
    print(f"tuning set: {len(tf)} excerpts of {len(set(ty))} tracks; bench: {len(ff)} one-family clips, {len(rf)} excerpts of {len(set(ry))} tracks")
    print("| representation | tuning same track | bench same family | bench same recording |")
    print("|---|---|---|---|")
    for keys in [["mfcc"], ["fp"], ["ac"], groups]:
        print(f"| {' + '.join(keys)} | {p_at_10(vec(tf, keys), ty):.3f} | {p_at_10(vec(ff, keys), fy):.3f} | {p_at_10(vec(rf, keys), ry):.3f} |")
    print(f"| learned embedding (as published) | | {p_at_10(fe, fy):.3f} | {p_at_10(re_, ry):.3f} |")
    df, dr = vec(ff, groups), vec(rf, groups)
    for b2 in [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]:
        a, b = np.sqrt(1 - b2), np.sqrt(b2)
        print(f"| learned x {1 - b2:.1f} + descriptors x {b2:.1f} (cosine weights) | | {p_at_10(np.hstack([a * fe, b * df]), fy):.3f} | {p_at_10(np.hstack([a * re_, b * dr]), ry):.3f} |")


if __name__ == "__main__":
    main()

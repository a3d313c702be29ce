"""SciPy peer of bench/dsp.ts: the same DSP work on the same synthetic data, timed the same way.

  python3 bench/peers/dsp_scipy.py stft <hours> <channels>
  python3 bench/peers/dsp_scipy.py welch <hours> <channels>
  python3 bench/peers/dsp_scipy.py resample <hours> <channels> <from_hz> <chunked|whole>
      -> one JSON line {"runs": [s, ...], "baselineRssMB": .., "peakRssMB": ..}
  python3 bench/peers/dsp_scipy.py check <dir>
      -> reads <dir>/*.in.f64 written by bench/dsp.ts, writes <dir>/*.scipy.f64 for it to compare

The synthetic signal (channel c, sample i, rate fs) is defined identically in bench/dsp.ts (`synth`): three
sines plus hash noise (murmur3's 32-bit finaliser of i + 0x9E3779B9·(c+1)), so both sides transform the same
numbers. Generating a channel is not timed; only the transforms are. Channels are processed one at a time and
their outputs dropped, as bench/dsp.ts does, so neither side holds a whole night of spectra.
"""
import json
import resource
import sys
import time

import numpy as np
import scipy.signal

FS = 200
NPERSEG = 400
NOVERLAP = 200
SEGMENT_SEC = 30
# decodeRecording's chunking (src/pipeline/decode.ts): 32 segments of 30 s per chunk, 4-s margins each side.
CHUNK_SEGMENTS = 32
MARGIN_SEC = 4
# A workload whose first run takes longer than this is not repeated.
REPEAT_LIMIT_SEC = 20.0


def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def synth(c, n, fs):
    i = np.arange(n, dtype=np.uint32)
    h = i + np.uint32((0x9E3779B9 * (c + 1)) & 0xFFFFFFFF)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    t = np.arange(n, dtype=np.float64) / fs
    x = 30 * np.sin(2 * np.pi * (0.5 + 0.37 * c) * t)
    x += 12 * np.sin(2 * np.pi * (10 + 0.21 * c) * t)
    x += 4 * np.sin(2 * np.pi * (22.5 + 0.13 * c) * t + 0.5 * c)
    x += 10 * (h.astype(np.float64) / 4294967296.0 - 0.5)
    return x


def our_welch(x2d):
    """The gate's Welch PSD (ARCHITECTURE.md §7) of each row: whole-row mean removed, one-sided bins not doubled."""
    x2d = x2d - x2d.mean(axis=-1, keepdims=True)
    _, p = scipy.signal.welch(x2d, fs=FS, window='hann', nperseg=NPERSEG, noverlap=NOVERLAP, detrend=False, scaling='density', axis=-1)
    p[..., 1:-1] /= 2
    return p


def chunks(n_samples, fs):
    """(start, stop) samples of the chunks decodeRecording reads, resampled one by one."""
    duration = n_samples / fs
    n_seg = int(np.floor(duration / SEGMENT_SEC + 1e-9))
    out = []
    for first in range(0, n_seg, CHUNK_SEGMENTS):
        last = min(n_seg, first + CHUNK_SEGMENTS) - 1
        start = max(0.0, first * SEGMENT_SEC - MARGIN_SEC)
        end = min(duration, last * SEGMENT_SEC + SEGMENT_SEC + MARGIN_SEC)
        out.append((round(start * fs), round(end * fs)))
    return out


def work(task, hours, channels, from_hz, mode):
    fs = from_hz if task == 'resample' else FS
    n = round(hours * 3600 * fs)
    total = 0.0
    for c in range(channels):
        x = synth(c, n, fs)
        t0 = time.perf_counter()
        if task == 'stft':
            _, _, z = scipy.signal.stft(x, fs=FS, nperseg=NPERSEG, noverlap=NOVERLAP)
            del z
        elif task == 'welch':
            n_seg = n // (SEGMENT_SEC * FS)
            p = our_welch(x[: n_seg * SEGMENT_SEC * FS].reshape(n_seg, SEGMENT_SEC * FS))
            del p
        elif mode == 'whole':
            y = scipy.signal.resample(x, round(n * FS / fs))
            del y
        else:
            for a, b in chunks(n, fs):
                y = scipy.signal.resample(x[a:b], round((b - a) * FS / fs))
                del y
        total += time.perf_counter() - t0
        del x
    return total


def main():
    task = sys.argv[1]
    if task == 'check':
        d = sys.argv[2]
        x200 = np.fromfile(f'{d}/stft.in.f64')
        _, _, z = scipy.signal.stft(x200, fs=FS, nperseg=NPERSEG, noverlap=NOVERLAP)
        z.real.astype(np.float64).tofile(f'{d}/stft_re.scipy.f64')
        z.imag.astype(np.float64).tofile(f'{d}/stft_im.scipy.f64')
        seg = np.fromfile(f'{d}/welch.in.f64').reshape(-1, SEGMENT_SEC * FS)
        our_welch(seg).tofile(f'{d}/welch.scipy.f64')
        for rate in (160, 256):
            x = np.fromfile(f'{d}/resample{rate}.in.f64')
            scipy.signal.resample(x, round(len(x) * FS / rate)).tofile(f'{d}/resample{rate}.scipy.f64')
        return
    hours, channels = float(sys.argv[2]), int(sys.argv[3])
    from_hz = int(sys.argv[4]) if task == 'resample' else FS
    mode = sys.argv[5] if task == 'resample' else ''
    baseline = rss_mb()
    runs = [work(task, hours, channels, from_hz, mode)]
    if runs[0] <= REPEAT_LIMIT_SEC:
        runs += [work(task, hours, channels, from_hz, mode) for _ in range(2)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({'runs': runs, 'baselineRssMB': baseline, 'peakRssMB': peak, 'scipy': scipy.__version__, 'numpy': np.__version__}))


if __name__ == '__main__':
    main()

"""Device check: the neural forecasters train and predict on CUDA like on the CPU.

Fits the MLP and the latent GRU on the synthetic series on ``--device`` (cuda) and on the CPU
with the same seed, compares their one-step predictions, and checks that a model trained on the
GPU saves, loads on the CPU and predicts the same. Prints one line per check; exit 1 on failure.

    python bench/series_device_check.py [--device cuda]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

# A GPU check, run by bench/gpu_check.sh, not by `python -m bench`.
BENCH = None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cuda")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning)
    from seqlm.apps.forecast import AutoregressiveMLP, LatentRNNForecaster
    from seqlm.cli.main import main as cli
    from seqlm.series import evaluate, one_step, synthetic
    from seqlm.series.persist import load_model, save_model

    y = synthetic(seed=args.seed).values
    ok = True
    for make in (lambda d: AutoregressiveMLP(4, epochs=5, seed=args.seed, device=d),
                 lambda d: LatentRNNForecaster(16, epochs=5, seed=args.seed, device=d)):
        t0 = time.perf_counter()
        gpu = make(args.device).fit(y[:604])
        t1 = time.perf_counter()
        cpu = make("cpu").fit(y[:604])
        t2 = time.perf_counter()
        pg, pc = one_step(gpu, y, 604), one_step(cpu, y, 604)
        mse_g, mse_c = np.mean((pg - y[604:]) ** 2), np.mean((pc - y[604:]) ** 2)
        dev = next(gpu.net.parameters()).device
        with tempfile.TemporaryDirectory() as tmp:
            save_model(gpu, Path(tmp) / "m.pt")
            back, _ = load_model(Path(tmp) / "m.pt")
        same = np.allclose(one_step(back, y, 604), pg, atol=1e-5)
        scores = evaluate({gpu.name: gpu}, y, 604)
        finite = all(np.isfinite(s.mse) for s in scores)
        good = same and finite and abs(mse_g - mse_c) < 0.01 and dev.type == args.device
        ok &= good
        print(f"{gpu.name}: on {dev} fit {t1 - t0:.1f}s (cpu {t2 - t1:.1f}s); 1-step MSE "
              f"{mse_g:.4f} (cpu {mse_c:.4f}); reload on cpu identical: {same}; "
              f"k-step table finite: {finite} -> {'ok' if good else 'FAIL'}")
    with tempfile.TemporaryDirectory() as tmp:
        rc = cli(["series", "fit", "synthetic", "--model", "latent", "--epochs", "2", "--device",
                  args.device, "--out", f"{tmp}/g.pt", "--run-dir", f"{tmp}/run"])
        rc2 = cli(["series", "predict", f"{tmp}/g.pt", "--mode", "k-step", "--ks", "4",
                   "--out", f"{tmp}/p.csv"])
    print(f"cli fit --device {args.device}: exit {rc}; predict: exit {rc2}")
    ok &= rc == 0 and rc2 == 0
    print("device check:", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

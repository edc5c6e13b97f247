#!/usr/bin/env bash
# One GPU for at most 10 minutes: the CUDA tests, the series device check, then two PTB word
# LMs, each within a fixed training budget, printing validation and test perplexity per epoch
# and tokens/s:
#   1. Zaremba et al. (2014) medium LSTM: 2x650, dropout 0.5, SGD lr 1, clip 5, bptt 35,
#      batch 20, lr / 1.2 per epoch after epoch 6 (the paper: test 82.7 after 39 epochs);
#   2. the best recipe we have: the same 2x650 LSTM with tied embeddings, DropConnect 0.2 on
#      W_hh, SGD lr 20 annealed x0.25 on a plateau, clip 0.25, a weight average (EMA 0.998) and
#      bf16 autocast. Target: PTB test perplexity <= 80 (running text) within the 10 minutes.
#
#   bash bench/gpu_check.sh            # on the GPU machine (about 9.5 minutes)
#   bash bench/gpu_check.sh --quick    # anywhere: small models, seconds of training, CPU if
#                                      # there is no GPU (the CUDA tests then skip, said so)
# Order: CUDA tests, the best recipe (4 min of training), Zaremba's medium (2.5 min), the series
# device check. Budgets (minutes of training) can be set: BEST_MIN=4 ZAREMBA_MIN=2.5 bash ...
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
T0=$(date +%s)
stamp() { echo "[gpu_check $(( $(date +%s) - T0 )) s] $*"; }

stamp "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version \
    --format=csv,noheader
python - <<'PY'
import torch
print(f"torch {torch.__version__}, cuda available: {torch.cuda.is_available()}"
      + (f", {torch.cuda.get_device_name(0)}, bf16: {torch.cuda.is_bf16_supported()}"
         if torch.cuda.is_available() else ""))
PY
if python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)"; then
    DEVICE=cuda
else
    DEVICE=cpu
    stamp "NO CUDA GPU here: the CUDA tests skip and the PTB runs use the CPU"
    if [ $QUICK = 0 ]; then
        stamp "without a GPU only --quick makes sense (the full runs need one); stopping"
        exit 2
    fi
fi

stamp "1/4 CUDA tests (skip cleanly without a GPU)"
timeout 150 python -m pytest -q -rs -p no:cacheprovider tests/train/test_cuda.py \
    tests/train/test_checkpoint.py -k "cuda or gpu" || stamp "CUDA tests FAILED"


if [ $QUICK = 1 ]; then
    SIZE=(--hidden 200 --eval-lines 300 --threads 1); ZMIN=${ZAREMBA_MIN:-0.25}; BMIN=${BEST_MIN:-0.25}
else
    SIZE=(--hidden 650); ZMIN=${ZAREMBA_MIN:-2.5}; BMIN=${BEST_MIN:-4}
fi
COMMON=(--device "$DEVICE" --skip-throughput --model lstm --layers 2 "${SIZE[@]}"
        --train-bptt 35 --test-each-epoch --epochs 39)

PREC=bf16
[ $DEVICE = cpu ] && PREC=fp32
stamp "2/4 best recipe (tied, weight drop, EMA, $PREC), $BMIN min of training"
timeout $(python -c "print(int($BMIN * 60 + 150))") python bench/rnn_train_ptb.py \
    "${COMMON[@]}" --dropout 0.5 --tie --weight-drop 0.2 --optimizer sgd --train-lr 20 \
    --clip 0.25 --train-batch 20 --anneal 0.25 --ema 0.998 --precision "$PREC" \
    --minutes "$BMIN" || stamp "best-recipe run FAILED or ran out of time"

stamp "3/4 Zaremba et al. medium LSTM, $ZMIN min of training"
timeout $(python -c "print(int($ZMIN * 60 + 150))") python bench/rnn_train_ptb.py \
    "${COMMON[@]}" --dropout 0.5 --optimizer sgd --train-lr 1 --clip 5 --train-batch 20 \
    --anneal 0 --lr-decay 0.8333 --lr-decay-start 6 --minutes "$ZMIN" \
    || stamp "Zaremba run FAILED or ran out of time"

if [ $DEVICE = cuda ]; then
    stamp "4/4 series models on the GPU vs the CPU"
    timeout 90 python bench/series_device_check.py --device cuda || stamp "device check FAILED"
else
    stamp "4/4 series device check skipped: no GPU"
fi

stamp "done (target: test perplexity <= 80 in the best recipe's table, running text)"

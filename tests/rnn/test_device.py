"""On a GPU (skipped without one): the same numbers as on the CPU, for models and LM verbs."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from seqlm.rnn import RNNLM, build_model, lm_vocab

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
KINDS = ["rnn_scratch", "gru_scratch", "lstm_scratch", "rnn", "gru", "lstm"]


def flat(state) -> list[torch.Tensor]:
    return list(state) if isinstance(state, tuple) else [state]


@cuda
@pytest.mark.parametrize("kind", KINDS)
def test_model_on_gpu_matches_cpu(kind: str) -> None:
    torch.manual_seed(0)
    cpu = build_model({"kind": kind, "num_hiddens": 16, "vocab_size": 11, "embed_size": 8}).double()
    gpu = copy.deepcopy(cpu).cuda()
    X = torch.randint(0, 11, (4, 9))
    out_c, st_c = cpu(X)
    out_g, st_g = gpu(X.cuda())
    assert out_g.device.type == "cuda"
    assert all(s.device.type == "cuda" for s in flat(gpu.begin_state(2)))
    torch.testing.assert_close(out_g.cpu(), out_c, rtol=1e-8, atol=1e-8)
    for a, b in zip(flat(st_g), flat(st_c), strict=True):
        torch.testing.assert_close(a.cpu(), b, rtol=1e-8, atol=1e-8)
    out_c.square().sum().backward()
    out_g.square().sum().backward()
    for (name, pc), pg in zip(cpu.named_parameters(), gpu.parameters(), strict=True):
        torch.testing.assert_close(pg.grad.cpu(), pc.grad, rtol=1e-7, atol=1e-8, msg=name)


@cuda
def test_lm_verbs_on_gpu_match_cpu() -> None:
    torch.manual_seed(1)
    text = "the cat sat on the mat\nthe dog sat\na cat"
    vocab = lm_vocab(text, "sentence", "word")
    model = build_model({"kind": "lstm", "num_hiddens": 16, "vocab_size": len(vocab),
                         "embed_size": 8, "num_layers": 2}).double()
    lm_c = RNNLM(model, vocab, "sentence", "word", chunk=3)
    lm_g = RNNLM(copy.deepcopy(model).cuda(), vocab, "sentence", "word", chunk=3)
    np.testing.assert_allclose(lm_g.token_logprobs(text), lm_c.token_logprobs(text), rtol=1e-9)
    assert lm_g.generate("the", 8) == lm_c.generate("the", 8)
    kw = {"strategy": "sample", "temperature": 1.5, "top_p": 0.9, "seed": 3}
    assert lm_g.generate("the", 8, **kw) == lm_c.generate("the", 8, **kw)


@cuda
@pytest.mark.parametrize("kind", ["lstm", "gru_scratch"])
def test_dynamic_evaluation_on_gpu_matches_cpu(kind: str) -> None:
    """cuDNN refuses an RNN backward in eval mode: DynamicEval must run there all the same."""
    from seqlm.rnn import DynamicEval

    torch.manual_seed(2)
    text = "the cat sat on the mat and the dog sat on the log"
    vocab = lm_vocab(text, "stream", "char")
    model = build_model({"kind": kind, "num_hiddens": 16, "vocab_size": len(vocab),
                         "embed_size": 8}).double()
    lm_c = RNNLM(model, vocab, "stream", "char")
    lm_g = RNNLM(copy.deepcopy(model).cuda(), vocab, "stream", "char")
    dyn_c, dyn_g = (DynamicEval(lm, lr=0.3, segment=7) for lm in (lm_c, lm_g))
    np.testing.assert_allclose(dyn_g.token_logprobs(text), dyn_c.token_logprobs(text), rtol=1e-7)

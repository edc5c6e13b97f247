"""Copy a scratch model's weights into the torch.nn model computing the same function.

torch.nn stores W^T (out, in) and stacks the gates: GRU (r, z, n), LSTM (i, f, g, o);
it has two biases per gate (input and recurrent); the recurrent ones are set to zero here.
"""

from __future__ import annotations

import torch

from seqlm.rnn import GRUScratch, LSTMScratch, RNNScratch, TorchRNN

GATES = {
    RNNScratch: [("W_xh", "W_hh", "b_h")],
    GRUScratch: [("W_xr", "W_hr", "b_r"), ("W_xz", "W_hz", "b_z"), ("W_xh", "W_hh", "b_h")],
    LSTMScratch: [("W_xi", "W_hi", "b_i"), ("W_xf", "W_hf", "b_f"), ("W_xc", "W_hc", "b_c"),
                  ("W_xo", "W_ho", "b_o")],
}


def gate_names(scratch: torch.nn.Module) -> list[tuple[str, str, str]]:
    return GATES[type(scratch)]


@torch.no_grad()
def copy_into(scratch: torch.nn.Module, lib: TorchRNN) -> None:
    gates = gate_names(scratch)
    rnn = lib.rnn
    rnn.weight_ih_l0.copy_(torch.cat([getattr(scratch, wx).T for wx, _, _ in gates]))
    rnn.weight_hh_l0.copy_(torch.cat([getattr(scratch, wh).T for _, wh, _ in gates]))
    rnn.bias_ih_l0.copy_(torch.cat([getattr(scratch, b) for _, _, b in gates]))
    rnn.bias_hh_l0.zero_()
    lib.decoder.weight.copy_(scratch.W_hq.T)
    lib.decoder.bias.copy_(scratch.b_q)
    if scratch.embedding is not None:
        lib.embedding.weight.copy_(scratch.embedding.weight)


def library_grads(scratch: torch.nn.Module, lib: TorchRNN) -> dict[str, torch.Tensor]:
    """The torch.nn gradients cut back into the scratch model's parameter names."""
    gates = gate_names(scratch)
    h = scratch.num_hiddens
    rnn = lib.rnn
    out = {"W_hq": lib.decoder.weight.grad.T, "b_q": lib.decoder.bias.grad}
    for k, (wx, wh, b) in enumerate(gates):
        rows = slice(k * h, (k + 1) * h)
        out[wx] = rnn.weight_ih_l0.grad[rows].T
        out[wh] = rnn.weight_hh_l0.grad[rows].T
        out[b] = rnn.bias_ih_l0.grad[rows]
    if scratch.embedding is not None:
        out["embedding.weight"] = lib.embedding.weight.grad
    return out

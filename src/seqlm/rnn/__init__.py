"""Recurrent language models: the seed's RNN, GRU and LSTM from scratch and on torch.nn,
with the n-gram models' scoring verbs, generation, interpolation and dynamic evaluation."""

from seqlm.rnn.base import SequenceModel
from seqlm.rnn.config import RNNConfig
from seqlm.rnn.corpus import lm_tokens, lm_vocab
from seqlm.rnn.dynamic import DynamicEval
from seqlm.rnn.gru_scratch import GRUScratch
from seqlm.rnn.lm import RNNLM
from seqlm.rnn.lstm_scratch import LSTMScratch
from seqlm.rnn.mixture import Interpolated
from seqlm.rnn.registry import CELLS, KINDS, build_model, register_cell
from seqlm.rnn.rnn_scratch import RNNScratch
from seqlm.rnn.state import State, detach_state
from seqlm.rnn.torch_models import TorchRNN

__all__ = [
    "CELLS",
    "KINDS",
    "RNNLM",
    "DynamicEval",
    "GRUScratch",
    "Interpolated",
    "LSTMScratch",
    "RNNConfig",
    "RNNScratch",
    "SequenceModel",
    "State",
    "TorchRNN",
    "build_model",
    "detach_state",
    "lm_tokens",
    "lm_vocab",
    "register_cell",
]

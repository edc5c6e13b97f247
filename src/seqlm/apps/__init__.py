"""RNN applications built on seqlm.rnn's cells and seqlm.train's loop: many-to-one
classification (``seqlm.apps.classify``), tagging and translation; ``seqlm.apps.common`` holds
the parts they share (padded batches, the masked encoder, label maps, metrics, LM transfer)."""

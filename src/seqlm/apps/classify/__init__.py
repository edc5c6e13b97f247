"""Many-to-one sequence classification (``seqlm classify``): a text -> one of several classes."""

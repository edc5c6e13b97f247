"""seqlm.apps -- applications of the recurrent models: classification, tagging, translation."""

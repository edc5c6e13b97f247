"""Download addresses shared by several datasets."""

D2L_HUB = "http://d2l-data.s3-accelerate.amazonaws.com/"

from seqlm.data import load_text


def test_timemachine_through_mirror() -> None:
    text = load_text("timemachine")
    assert text.startswith("The Time Machine, by H. G. Wells")
    assert len(text) == 178_979 - 0 or len(text.encode()) == 178_979

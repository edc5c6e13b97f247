"""Demo section: many-to-one classification -- a surname's language from its characters."""

from __future__ import annotations

from seqlm.demo.context import DemoContext, demo_section

QUICK_NAMES = 4000  # --quick trains on this many names, one epoch


@demo_section("classify", order=50)
def run(ctx: DemoContext) -> None:
    """Train a small bidirectional GRU on surnames (seconds) and compare it with the majority."""
    import numpy as np

    from seqlm.apps.classify.predict import Classifier
    from seqlm.apps.classify.train import (
        ClassifySettings,
        ModelOptions,
        fit_classifier,
        split_examples,
        train_config,
    )
    from seqlm.data.registry import fetch
    from seqlm.errors import SeqlmError

    ctx.section("Many-to-one: the language of a surname (seqlm classify)")
    try:
        fetch("names", progress=False, timeout=10.0)
        split_examples(ClassifySettings(data="names"))
    except SeqlmError as exc:
        ctx.say(f"skipped: the names data is not reachable ({exc}); `seqlm data fetch names`")
        return
    settings = ClassifySettings(data="names", seed=ctx.seed, label_frac=(
        QUICK_NAMES / 16040 if ctx.quick else 1.0),
        model=ModelOptions(kind="gru", num_hiddens=64, embed_size=32))
    epochs = 1 if ctx.quick else 3
    ctx.say(f"a bidirectional GRU (64 units, max+mean pooling) over characters whose output "
            f"layer also reads per-class character 4-gram LMs (Bayes' rule), {epochs} "
            "epoch(s), the one training loop with clipping ...")
    _, data, _ = fit_classifier(settings, train_config(epochs=epochs, progress=False),
                                ctx.out / "classify")
    clf = Classifier.load(ctx.out / "classify" / "best.pt")
    report = clf.evaluate(data.parts["test"])
    y = data.labels.encode(data.parts["test"].labels)
    majority = float(np.mean(y == np.bincount(data.labels.encode(
        data.parts["train"].labels)).argmax()))
    ctx.say(f"test names: accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f} "
            f"(always the majority class: accuracy {majority:.3f}, and macro-F1 shows it)")
    for name, best in zip(("Dostoevsky", "Nakamura", "O'Neill"),
                          clf.predict(["Dostoevsky", "Nakamura", "O'Neill"], top=2),
                          strict=True):
        ctx.say(f"  {name:<11} " + ", ".join(f"{c} {p:.2f}" for c, p in best))

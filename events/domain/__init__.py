"""The pure core: dates, kinds, replay, diffs and changes over plain values. Nothing here imports Django."""

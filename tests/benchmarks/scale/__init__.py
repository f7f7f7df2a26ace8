"""The scale benchmark's parts (tests/benchmarks/bench_scale.py runs them): the realistic log, the peer, the measurements, the report."""

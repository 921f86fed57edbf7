"""Data for demos and benchmarks: the real catalogue plus demo accounts, or synthetic volume."""

"""Demo data: a realistic, deterministic register for trying the service and benchmarking it."""

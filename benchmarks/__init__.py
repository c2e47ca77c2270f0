"""Benchmarks of wazo-confd-pjsip, run against the real service: ``python -m benchmarks [api|all]``."""

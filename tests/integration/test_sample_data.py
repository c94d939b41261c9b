"""The sample `make demo` publishes (the generator's defaults: 210 trusts, 2021-2024, seed 42) passes every raw gate.
At full size the generator is too slow for the unit loop, so this is here rather than beside its other tests."""

from pipelines.sample_data import generate
from tests.unit.test_sample_data import assert_every_source_passes_its_raw_gates


def test_the_demo_sample_passes_every_raw_gate(tmp_path):
    generate(tmp_path)
    assert_every_source_passes_its_raw_gates(tmp_path)

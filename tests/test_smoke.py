"""The package imports and its public face is sorted and complete."""

import subcommerce


def test_all_is_sorted_and_every_name_exists() -> None:
    assert list(subcommerce.__all__) == sorted(subcommerce.__all__)
    for name in subcommerce.__all__:
        assert hasattr(subcommerce, name), name

"""The suite's own scheduling under ``-n`` (``tests/conftest.py``): which modules run whole
on one worker, so that their module-scoped builds are made once."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import _shares_a_fixture


def test_modules_with_a_module_fixture_are_grouped(tmp_path: Path) -> None:
    shared = tmp_path / "test_shared.py"
    shared.write_text('import pytest\n\n@pytest.fixture(scope="module")\ndef book():\n'
                      '    return 1\n', encoding="utf-8")
    plain = tmp_path / "test_plain.py"
    plain.write_text('import pytest\n\n@pytest.fixture\ndef book():\n    return 1\n\n'
                     '@pytest.fixture(scope="function")\ndef other():\n    return 2\n',
                     encoding="utf-8")
    assert _shares_a_fixture(shared)
    assert not _shares_a_fixture(plain)

"""Where the data folder is, and what happens when it cannot be used."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from studio.errors import DataFolderError
from studio.paths import HOME_ENV, default_data_dir, ensure_data_dir, resolve_data_dir


def test_explicit_folder_wins_over_environment(tmp_path: Path) -> None:
    assert resolve_data_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_environment_wins_over_platform_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "from-env"))
    assert resolve_data_dir(None) == tmp_path / "from-env"


def test_platform_default_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV)
    assert resolve_data_dir(None) == default_data_dir()
    expected = "MachPanel Studio" if sys.platform == "win32" else "machpanel-studio"
    assert default_data_dir().name == expected


def test_folder_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    folder = ensure_data_dir(tmp_path / "a" / "b")
    assert folder.is_dir()
    if sys.platform != "win32":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_file_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(DataFolderError) as caught:
        ensure_data_dir(blocker / "studio")
    assert str(blocker / "studio") in str(caught.value)
    assert "cannot be created" in str(caught.value)
    with pytest.raises(DataFolderError, match="is not a folder"):
        ensure_data_dir(blocker)


def test_an_existing_open_folder_and_the_database_become_owner_only(tmp_path: Path) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX modes")
    from studio.context import open_studio

    folder = tmp_path / "shared-home"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    studio = open_studio(folder)
    studio.close()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "studio.db").stat().st_mode) == 0o600
